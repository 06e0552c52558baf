//! Admin area: plans — a plan's panel options, picked from what the shop's
//! panel really offers (its catalog, as last read and kept in the database),
//! one group of buttons per option field its kind declares (Remnawave's
//! internal squads, Marzban's inbounds and flow, …). Each tap saves through the shared plan use case
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
use bazar_domain::{Choice, Language, OptionField, OptionsChange, OptionsError, PanelCatalog, PanelKind, PlanOptions};
use bazar_runtime::{HandlerError, UpdateContext};
use bazar_shop::plans::{self, PanelView, PlanChange, PlanRefusal, Reason};
use bazar_store::Plan;

const AREA: AdminArea = AdminArea::Plans;

/// The op letters of this screen (handled through the plans area).
pub(super) const OPTIONS: char = 'o';
/// Toggle an entry of a field: `arg` = field index << 16 | entry index.
pub(super) const TOGGLE: char = 'x';
/// Choose every entry of field `arg` (where `all` is a choice).
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
    let Some(change) =
        bazar_panels::kind(kind).ok().and_then(|spec| toggled(&plan.panel_options, spec.options, catalog, what, arg))
    else {
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

/// The change one tap makes; `None` for a field or entry that is not (or no longer) there.
fn toggled(
    options: &PlanOptions,
    fields: &[OptionField],
    catalog: &PanelCatalog,
    what: char,
    arg: u64,
) -> Option<OptionsChange> {
    let (field, entry) = (usize::try_from(arg >> 16).ok()?, usize::try_from(arg & 0xffff).ok()?);
    let field = fields.get(if what == EVERY { usize::try_from(arg).ok()? } else { field })?;
    match what {
        EVERY if field.all => Some(OptionsChange::default().set(field.key, Choice::All)),
        TOGGLE => {
            let entry = catalog.entries(field.key).get(entry)?;
            let mut chosen: Vec<String> = match options.get(field.key) {
                Some(Choice::All) => catalog.entries(field.key).iter().map(|e| e.value.clone()).collect(),
                Some(Choice::Values(values)) => values.clone(),
                None => Vec::new(),
            };
            match chosen.iter().position(|v| *v == entry.value) {
                Some(at) => {
                    chosen.remove(at);
                }
                None => chosen.push(entry.value.clone()),
            }
            Some(OptionsChange::default().set(field.key, Choice::Values(chosen)))
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
        PanelView::Panel { kind, catalog: Some(catalog) } => (kind, catalog),
    };
    let fields = bazar_panels::kind(kind).map(|spec| spec.options).unwrap_or_default();
    let options = &plan.panel_options;
    let mut rows = Vec::new();
    for (f, field) in fields.iter().enumerate() {
        // With several fields, each button says which one it belongs to.
        let prefix = if fields.len() > 1 { format!("{} · ", field.labels.get(language)) } else { String::new() };
        let every = matches!(options.get(field.key), Some(Choice::All));
        if field.all {
            let label = t_args(language, "mng-plan-options-all-button", &[("field", field.labels.get(language))]);
            rows.push(vec![op(format!("{} {label}", tick(every)), menu, AREA, EVERY, raw, f as u64)]);
        }
        for (i, entry) in catalog.entries(field.key).iter().enumerate() {
            let on = every || options.get(field.key).is_some_and(|c| c.values().contains(&entry.value));
            let arg = (f as u64) << 16 | i as u64;
            rows.push(vec![op(format!("{} {prefix}{}", tick(on), entry.label), menu, AREA, TOGGLE, raw, arg)]);
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

/// What a plan chose on a panel of `kind`, in a few words: the chosen
/// entries' names, field by field (named when the kind has several).
pub(super) fn summary(
    language: Language,
    options: &PlanOptions,
    kind: &PanelKind,
    catalog: Option<&PanelCatalog>,
) -> String {
    let fields = bazar_panels::kind(kind).map(|spec| spec.options).unwrap_or_default();
    let parts: Vec<String> = fields
        .iter()
        .filter_map(|field| {
            let label = field.labels.get(language);
            let chosen = match options.get(field.key)? {
                Choice::All => return Some(t_args(language, "mng-plan-options-all", &[("field", label)])),
                Choice::Values(values) => values
                    .iter()
                    .map(|v| catalog.and_then(|c| c.find(field.key, v)).map_or_else(|| v.clone(), |e| e.label.clone()))
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            Some(if fields.len() > 1 { format!("{label}: {chosen}") } else { chosen })
        })
        .collect();
    if parts.is_empty() { t(language, "mng-plan-options-none-chosen") } else { parts.join(" · ") }
}

/// A refusal of the plan use case in the admin's language (its first reason).
pub(super) fn refusal_text(language: Language, refusal: &PlanRefusal) -> String {
    let first = match refusal {
        PlanRefusal::Invalid(fields) => fields.first().map(|f| &f.reason),
        PlanRefusal::PanelUnknown => return t(language, "mng-plan-options-unknown"),
        PlanRefusal::Store(_) => None,
    };
    match first {
        Some(Reason::Options(OptionsError::Missing { .. })) => t(language, "mng-plan-options-needed"),
        Some(Reason::Options(OptionsError::Unknown { unknown, .. })) => {
            t_args(language, "mng-plan-options-gone", &[("names", unknown)])
        }
        Some(Reason::Options(OptionsError::Unusable { names, .. })) => {
            t_args(language, "mng-plan-options-unusable", &[("names", names)])
        }
        Some(Reason::Options(OptionsError::CatalogEmpty { .. })) => t(language, "mng-plan-options-panel-empty"),
        _ => t_args(language, "mng-plan-options-refused", &[("why", &refusal.to_string())]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bazar_domain::CatalogEntry;

    fn marzban() -> (&'static [OptionField], PanelCatalog) {
        let inbound =
            |tag: &str, protocol: &str| CatalogEntry { detail: Some(protocol.into()), ..CatalogEntry::plain(tag) };
        let catalog = PanelCatalog(
            [
                ("inbounds".to_owned(), vec![inbound("VLESS TCP", "vless"), inbound("VMess TCP", "vmess")]),
                ("flow".to_owned(), vec![CatalogEntry::plain("xtls-rprx-vision")]),
            ]
            .into(),
        );
        (bazar_panels::kind(&PanelKind::named("marzban")).unwrap().options, catalog)
    }

    #[test]
    fn taps_toggle_entries_of_their_field() {
        let (fields, catalog) = marzban();
        let all = PlanOptions::default().with("inbounds", Choice::All);
        let change = toggled(&all, fields, &catalog, TOGGLE, 1).unwrap();
        assert_eq!(change, OptionsChange::default().set("inbounds", Choice::Values(vec!["VLESS TCP".into()])));
        let flow = toggled(&all, fields, &catalog, TOGGLE, 1 << 16).unwrap();
        assert_eq!(flow, OptionsChange::default().set("flow", Choice::Values(vec!["xtls-rprx-vision".into()])));
        let every = toggled(&PlanOptions::default(), fields, &catalog, EVERY, 0).unwrap();
        assert_eq!(every, OptionsChange::default().set("inbounds", Choice::All));
        assert!(toggled(&all, fields, &catalog, EVERY, 1).is_none(), "`all` is no choice for the flow");
        assert!(toggled(&all, fields, &catalog, TOGGLE, 7).is_none(), "a forged entry");
        assert!(toggled(&all, fields, &catalog, TOGGLE, 9 << 16).is_none(), "a forged field");
        let chosen = PlanOptions::default().with("inbounds", Choice::Values(vec!["VMess TCP".into()]));
        let cleared = toggled(&chosen, fields, &catalog, TOGGLE, 1).unwrap();
        assert_eq!(cleared, OptionsChange::default().set("inbounds", Choice::Values(vec![])));
    }

    #[test]
    fn summaries_name_fields_only_when_there_are_several() {
        let (_, catalog) = marzban();
        let kind = PanelKind::named("marzban");
        let options = PlanOptions::default().with("inbounds", Choice::All);
        assert_eq!(summary(Language::En, &options, &kind, Some(&catalog)), "Inbounds: all");
        let squads = PlanOptions::default().with("squads", Choice::Values(vec!["s-1".into()]));
        let remnawave = PanelKind::named("remnawave");
        let named = PanelCatalog(
            [("squads".to_owned(), vec![CatalogEntry { label: "Germany".into(), ..CatalogEntry::plain("s-1") }])]
                .into(),
        );
        assert_eq!(summary(Language::En, &squads, &remnawave, Some(&named)), "Germany");
        assert_eq!(summary(Language::En, &PlanOptions::default(), &remnawave, None), "nothing yet");
    }
}
