//! Admin area: plans — a plan's panel options, picked from what the shop's
//! panel really offers (its catalog, as last read and kept in the database):
//! Remnawave internal squads, Marzban inbounds ("every inbound", or chosen
//! tags). Each tap saves through the shared plan use case
//! (`bazar_shop::plans::update`), which checks the choice against the panel,
//! so the bot refuses exactly what the CLI and the API refuse.
//!
//! Nothing here waits on the panel: when its catalog is not known yet, a
//! `panel_catalog` job reads it and the admin taps ↻ again.

use super::Shown;
use super::manage::{area_home, op, screen};
use crate::callback::AdminArea;
use crate::i18n::{t, t_args};
use crate::menu::Screen;
use bazar_domain::{
    InboundsChoice, Language, MarzbanInbounds, OptionsChange, OptionsError, PanelCatalog, PanelKind, PlanOptions,
};
use bazar_runtime::{HandlerError, UpdateContext};
use bazar_shop::plans::{self, PanelView, PlanChange, PlanRefusal, Reason};
use bazar_store::Plan;
use std::collections::BTreeMap;

const AREA: AdminArea = AdminArea::Plans;

/// The op letters of this screen (handled through the plans area).
pub(super) const OPTIONS: char = 'o';
/// Toggle catalog entry `arg` of plan `id`.
pub(super) const TOGGLE: char = 'x';
/// Marzban: every inbound.
pub(super) const EVERY: char = 'y';
/// Read the panel's catalog again (a job).
pub(super) const REFRESH: char = 'r';

/// The options screen of `plan`.
pub(super) async fn show(
    ctx: &mut UpdateContext,
    language: Language,
    menu: u64,
    plan: &Plan,
) -> Result<Screen, HandlerError> {
    Ok(render(language, menu, plan, &PanelView::stored(&mut ctx.tx).await?))
}

/// A tap on the options screen: toggle an entry, choose every inbound, or
/// ask for the catalog again.
pub(super) async fn press(
    ctx: &mut UpdateContext,
    language: Language,
    menu: u64,
    plan: Plan,
    what: char,
    arg: u64,
) -> Result<Shown, HandlerError> {
    let panel = PanelView::stored(&mut ctx.tx).await?;
    if what == REFRESH {
        let refresh = bazar_domain::JobKind::PanelCatalog(bazar_domain::jobs::PanelCatalogJob {});
        ctx.tx.enqueue_job(&refresh, 0).await?;
        let toast = t(language, "mng-plan-options-refreshing");
        return Ok(Shown { screen: Some(render(language, menu, &plan, &panel)), toast: Some(toast) });
    }
    let PanelView::Panel { kind, catalog: Some(catalog) } = &panel else {
        return Ok(Shown { screen: Some(render(language, menu, &plan, &panel)), toast: None });
    };
    let Some(change) = toggled(&plan.panel_options, *kind, catalog, what, arg) else {
        return Ok(Shown::toast(t(language, "menu-expired")));
    };
    let change = PlanChange { options: change, ..PlanChange::default() };
    match plans::update(&mut ctx.tx, plan.id, change, &panel).await {
        Ok(Some(saved)) => Ok(Shown::screen(render(language, menu, &saved, &panel))),
        Ok(None) => Ok(Shown::toast(super::manage::gone(language))),
        Err(PlanRefusal::Store(e)) => Err(e.into()),
        Err(refusal) => Ok(Shown::toast(refusal_text(language, &refusal))),
    }
}

/// The change one tap makes; `None` for an entry that is not (or no longer) there.
fn toggled(
    options: &PlanOptions,
    kind: PanelKind,
    catalog: &PanelCatalog,
    what: char,
    arg: u64,
) -> Option<OptionsChange> {
    let index = usize::try_from(arg).ok();
    match (kind, what) {
        (PanelKind::Marzban, EVERY) => Some(OptionsChange { inbounds: Some(InboundsChoice::All), squads: None }),
        (PanelKind::Marzban, TOGGLE) => {
            let inbound = catalog.inbounds.get(index?)?;
            let mut chosen = match &options.marzban_inbounds {
                Some(MarzbanInbounds::All) => catalog.inbounds_by_protocol(),
                Some(MarzbanInbounds::Only(map)) => map.clone(),
                None => BTreeMap::new(),
            };
            let tags = chosen.entry(inbound.protocol.clone()).or_default();
            match tags.iter().position(|t| *t == inbound.tag) {
                Some(at) => {
                    tags.remove(at);
                }
                None => tags.push(inbound.tag.clone()),
            }
            chosen.retain(|_, tags| !tags.is_empty());
            Some(OptionsChange { inbounds: Some(InboundsChoice::ByProtocol(chosen)), squads: None })
        }
        (PanelKind::Remnawave, TOGGLE) => {
            let squad = catalog.squads.get(index?)?;
            let mut squads = options.remnawave_squads.clone();
            match squads.iter().position(|s| *s == squad.uuid) {
                Some(at) => {
                    squads.remove(at);
                }
                None => squads.push(squad.uuid.clone()),
            }
            Some(OptionsChange { squads: Some(squads), inbounds: None })
        }
        _ => None,
    }
}

fn render(language: Language, menu: u64, plan: &Plan, panel: &PanelView) -> Screen {
    let raw = plan.id.get() as u64;
    let back = vec![op(t(language, "btn-back"), menu, AREA, 'v', raw, 0)];
    let refresh = vec![op(t(language, "mng-plan-options-refresh"), menu, AREA, REFRESH, raw, 0)];
    let (kind, catalog) = match panel {
        PanelView::None => return screen(t(language, "mng-plan-options-no-panel"), vec![back]),
        PanelView::Panel { catalog: None, .. } => {
            return screen(t(language, "mng-plan-options-unknown"), vec![refresh, back]);
        }
        PanelView::Panel { kind, catalog: Some(catalog) } => (*kind, catalog),
    };
    let options = &plan.panel_options;
    let mut rows = Vec::new();
    match kind {
        PanelKind::Marzban => {
            let every = matches!(options.marzban_inbounds, Some(MarzbanInbounds::All));
            rows.push(vec![op(
                format!("{} {}", tick(every), t(language, "mng-plan-options-all-button")),
                menu,
                AREA,
                EVERY,
                raw,
                0,
            )]);
            for (i, inbound) in catalog.inbounds.iter().enumerate() {
                let on = every
                    || options.marzban_inbounds.as_ref().is_some_and(|c| c.tags().contains(&inbound.tag.as_str()));
                rows.push(vec![op(format!("{} {}", tick(on), inbound.tag), menu, AREA, TOGGLE, raw, i as u64)]);
            }
        }
        PanelKind::Remnawave => {
            for (i, squad) in catalog.squads.iter().enumerate() {
                let on = options.remnawave_squads.contains(&squad.uuid);
                rows.push(vec![op(format!("{} {}", tick(on), squad.name), menu, AREA, TOGGLE, raw, i as u64)]);
            }
        }
    }
    rows.push(refresh);
    rows.push(back);
    rows.push(vec![area_home(language, menu, AREA)]);
    let text = t_args(
        language,
        "mng-plan-options-title",
        &[("name", plan.names.name(language)), ("chosen", &summary(language, options, kind, Some(catalog)))],
    );
    screen(text, rows)
}

fn tick(on: bool) -> &'static str {
    if on { "✅" } else { "▫️" }
}

/// What a plan chose on a panel of `kind`, in a few words.
pub(super) fn summary(
    language: Language,
    options: &PlanOptions,
    kind: PanelKind,
    catalog: Option<&PanelCatalog>,
) -> String {
    let chosen: Vec<String> = match kind {
        PanelKind::Marzban => match &options.marzban_inbounds {
            Some(MarzbanInbounds::All) => return t(language, "mng-plan-options-all"),
            Some(inbounds) => inbounds.tags().into_iter().map(str::to_owned).collect(),
            None => Vec::new(),
        },
        PanelKind::Remnawave => options
            .remnawave_squads
            .iter()
            .map(|uuid| {
                catalog
                    .and_then(|c| c.squads.iter().find(|s| &s.uuid == uuid))
                    .map_or_else(|| uuid.clone(), |s| s.name.clone())
            })
            .collect(),
    };
    if chosen.is_empty() { t(language, "mng-plan-options-none-chosen") } else { chosen.join(", ") }
}

/// A refusal of the plan use case in the admin's language (its first reason).
pub(super) fn refusal_text(language: Language, refusal: &PlanRefusal) -> String {
    let first = match refusal {
        PlanRefusal::Invalid(fields) => fields.first().map(|f| &f.reason),
        PlanRefusal::PanelUnknown => return t(language, "mng-plan-options-unknown"),
        PlanRefusal::Store(_) => None,
    };
    match first {
        Some(Reason::Options(OptionsError::NoSquad { .. } | OptionsError::NoInbounds { .. })) => {
            t(language, "mng-plan-options-needed")
        }
        Some(Reason::Options(
            OptionsError::UnknownSquads { unknown, .. } | OptionsError::UnknownInbounds { unknown, .. },
        )) => t_args(language, "mng-plan-options-gone", &[("names", unknown)]),
        Some(Reason::Options(OptionsError::EmptySquads(names))) => {
            t_args(language, "mng-plan-options-empty-squad", &[("names", names)])
        }
        Some(Reason::Options(OptionsError::PanelHasNoInbounds)) => t(language, "mng-plan-options-panel-empty"),
        _ => t_args(language, "mng-plan-options-refused", &[("why", &refusal.to_string())]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bazar_domain::{CatalogInbound, CatalogSquad};

    fn catalog() -> PanelCatalog {
        PanelCatalog {
            inbounds: vec![
                CatalogInbound { tag: "VLESS TCP".into(), protocol: "vless".into() },
                CatalogInbound { tag: "VMess TCP".into(), protocol: "vmess".into() },
            ],
            squads: vec![CatalogSquad { uuid: "s-1".into(), name: "Germany".into(), inbounds: 1 }],
        }
    }

    #[test]
    fn taps_toggle_entries() {
        let all = PlanOptions { marzban_inbounds: Some(MarzbanInbounds::All), ..Default::default() };
        let change = toggled(&all, PanelKind::Marzban, &catalog(), TOGGLE, 1).unwrap();
        let only_vless = BTreeMap::from([("vless".to_owned(), vec!["VLESS TCP".to_owned()])]);
        assert_eq!(change.inbounds, Some(InboundsChoice::ByProtocol(only_vless)));
        let none = PlanOptions::default();
        let change = toggled(&none, PanelKind::Remnawave, &catalog(), TOGGLE, 0).unwrap();
        assert_eq!(change.squads, Some(vec!["s-1".to_owned()]));
        let chosen = PlanOptions { remnawave_squads: vec!["s-1".into()], ..Default::default() };
        assert_eq!(toggled(&chosen, PanelKind::Remnawave, &catalog(), TOGGLE, 0).unwrap().squads, Some(vec![]));
        assert!(toggled(&none, PanelKind::Remnawave, &catalog(), TOGGLE, 7).is_none(), "a forged index");
        assert!(toggled(&none, PanelKind::Remnawave, &catalog(), EVERY, 0).is_none());
    }
}
