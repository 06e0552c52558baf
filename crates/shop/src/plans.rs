//! Creating and changing plans: one rule for the CLI, the REST API and the
//! admin menus.
//!
//! Every interface parses what a person typed with the domain's parsers and
//! hands the values here; [`create`] and [`update`] check them once more
//! with the same validators and check the plan's panel options against what
//! the tenant's panel offers ([`PanelView`]), so the same bad input gets the
//! same answer everywhere. Nothing here talks to a panel: the caller reads
//! the panel's catalog *before* its transaction ([`crate::Provisioner::panel_view`])
//! or uses the copy kept in the database.

use bazar_domain::{
    Currency, Money, OptionsChange, OptionsError, PanelCatalog, PanelKind, PlanError, PlanId, PlanNames, PlanOptions,
    check_devices, check_duration, check_price,
};
use bazar_store::{NewPlan, Plan, PlanUpdate, StoreError, TenantTx};

/// What the shop's panel offers, as far as the caller knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PanelView {
    /// No panel serves the shop yet: options are checked for shape only, and
    /// the plan stays off sale until its panel's part is chosen.
    None,
    /// The panel of `kind`, with its catalog (`None`: never read, and not
    /// readable now).
    Panel {
        /// What it is.
        kind: PanelKind,
        /// What it offers.
        catalog: Option<PanelCatalog>,
    },
}

impl PanelView {
    /// The view of the panel `tx`'s tenant is served by, from the copy of
    /// its catalog kept in the database (no network).
    pub async fn stored(tx: &mut TenantTx) -> Result<Self, StoreError> {
        Ok(match tx.tenant_panel_info().await? {
            Some(panel) => Self::Panel { kind: panel.kind, catalog: panel.catalog },
            None => Self::None,
        })
    }

    /// The panel's kind, if there is a panel.
    pub fn kind(&self) -> Option<&PanelKind> {
        match self {
            Self::None => None,
            Self::Panel { kind, .. } => Some(kind),
        }
    }
}

/// Whether `options` choose what a panel of `kind` needs before a plan is
/// sold on it (a kind this build does not know needs what it cannot tell).
pub fn ready_for(options: &PlanOptions, kind: &PanelKind) -> Result<(), OptionsError> {
    let spec = bazar_panels::kind(kind).map_err(|_| OptionsError::UnknownKind)?;
    options.ready_for(kind, spec.options)
}

/// Which field of a plan was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanField {
    /// `names`
    Names,
    /// `days`
    Days,
    /// `traffic_gb`
    Traffic,
    /// `devices`
    Devices,
    /// `price`
    Price,
    /// One panel option, by its key (`squads`, `inbounds`, …).
    Option(String),
    /// The panel options as a whole (no panel, or one of an unknown kind).
    Options,
}

impl PlanField {
    /// The field's name as the API spells it (a panel option by its key).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Names => "names",
            Self::Days => "days",
            Self::Traffic => "traffic_gb",
            Self::Devices => "devices",
            Self::Price => "price",
            Self::Option(key) => key,
            Self::Options => "options",
        }
    }

    /// The field a panel-options refusal is about.
    fn of_options(error: &OptionsError) -> Self {
        error.field().map_or(Self::Options, |key| Self::Option(key.to_owned()))
    }
}

/// Why a field was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    /// Out of the field's rule.
    #[error("{0}")]
    Plan(PlanError),
    /// The panel options do not fit the shop's panel.
    #[error("{0}")]
    Options(OptionsError),
}

/// One refused field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRefusal {
    /// Which.
    pub field: PlanField,
    /// Why.
    pub reason: Reason,
}

impl FieldRefusal {
    /// A refusal of a malformed panel option the interface could not parse
    /// (a bad `--inbounds` text), to be reported with the others.
    pub fn options(error: OptionsError) -> Self {
        Self { field: PlanField::of_options(&error), reason: Reason::Options(error) }
    }
}

/// Why a plan was not created or changed. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum PlanRefusal {
    /// Fields out of their rules — every one of them, so an answer can name them all.
    #[error("{}", .0.iter().map(|f| f.reason.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldRefusal>),
    /// The panel options could not be checked: the panel's catalog is not
    /// known and could not be read.
    #[error("the VPN panel could not be reached to check the plan's options; try again when it answers")]
    PanelUnknown,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Collects refusals while checking fields one by one.
#[derive(Default)]
struct Refusals(Vec<FieldRefusal>);

impl Refusals {
    fn check<T>(&mut self, field: PlanField, result: Result<T, PlanError>) -> Option<T> {
        result.map_err(|e| self.0.push(FieldRefusal { field, reason: Reason::Plan(e) })).ok()
    }

    fn options(&mut self, result: Result<PlanOptions, PlanRefusal>) -> Result<Option<PlanOptions>, PlanRefusal> {
        match result {
            Ok(options) => Ok(Some(options)),
            Err(PlanRefusal::Invalid(mut refused)) => {
                self.0.append(&mut refused);
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    fn finish(self) -> Result<(), PlanRefusal> {
        if self.0.is_empty() { Ok(()) } else { Err(PlanRefusal::Invalid(self.0)) }
    }
}

/// A plan to create. Values are typed; texts are parsed by the domain's
/// parsers (`parse_traffic_gb`, `parse_price`, …) before they get here.
#[derive(Debug, Clone)]
pub struct PlanDraft {
    /// Names per language (at least one).
    pub names: PlanNames,
    /// Length in days.
    pub days: u32,
    /// Traffic in bytes; `None` = unlimited.
    pub traffic_bytes: Option<u64>,
    /// Devices; `None` = no limit.
    pub devices: Option<u32>,
    /// Price in minor units of `currency` (checked here).
    pub price: i64,
    /// The tenant's currency (the price's).
    pub currency: Currency,
    /// Display order.
    pub sort: i32,
    /// Offered at once.
    pub active: bool,
    /// Panel options chosen for it.
    pub options: OptionsChange,
    /// Panel options to start from (a copy of another plan's), before `options`.
    pub base_options: PlanOptions,
    /// What the interface refused while parsing its own input (a malformed
    /// `inbounds`): reported together with the use case's own refusals.
    pub parse_refusals: Vec<FieldRefusal>,
}

/// Changes to a plan; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct PlanChange {
    /// Names to replace (the languages not given keep theirs).
    pub names: Option<PlanNames>,
    /// New length.
    pub days: Option<u32>,
    /// New traffic (`Some(None)` = unlimited).
    pub traffic_bytes: Option<Option<u64>>,
    /// New device limit (`Some(None)` = no limit).
    pub devices: Option<Option<u32>>,
    /// New price.
    pub price: Option<i64>,
    /// New display order.
    pub sort: Option<i32>,
    /// Offered or not.
    pub active: Option<bool>,
    /// New panel options.
    pub options: OptionsChange,
    /// What the interface refused while parsing its own input (see [`PlanDraft::parse_refusals`]).
    pub parse_refusals: Vec<FieldRefusal>,
}

/// A traffic allowance in bytes, checked (1–100,000 GB).
fn check_traffic(bytes: Option<u64>) -> Result<Option<u64>, PlanError> {
    match bytes {
        Some(b) if !(1u64 << 30..=100_000u64 << 30).contains(&b) => Err(PlanError::Traffic),
        other => Ok(other),
    }
}

/// `options` as they will be stored: `change` applied and, when the shop's
/// panel is known, checked against it. `must_be_ready`: the plan will be on
/// sale, so even unchanged options must fit the panel.
fn settle_options(
    options: PlanOptions,
    change: OptionsChange,
    panel: &PanelView,
    must_be_ready: bool,
) -> Result<PlanOptions, PlanRefusal> {
    let touched = !change.is_empty();
    let refused = |e: OptionsError| PlanRefusal::Invalid(vec![FieldRefusal::options(e)]);
    let all_refused =
        |errors: Vec<OptionsError>| PlanRefusal::Invalid(errors.into_iter().map(FieldRefusal::options).collect());
    match panel {
        PanelView::None => options.unchecked(change, &bazar_panels::kinds::all_option_fields()).map_err(all_refused),
        PanelView::Panel { kind, catalog: Some(catalog) } if touched || must_be_ready => {
            let spec = bazar_panels::kind(kind).map_err(|_| refused(OptionsError::UnknownKind))?;
            options.checked(change, kind, spec.options, catalog).map_err(all_refused)
        }
        PanelView::Panel { catalog: None, .. } if touched => Err(PlanRefusal::PanelUnknown),
        PanelView::Panel { kind, .. } => {
            if must_be_ready {
                ready_for(&options, kind).map_err(refused)?;
            }
            Ok(options)
        }
    }
}

/// Creates a plan in `tx`, after checking every field and its panel options.
pub async fn create(tx: &mut TenantTx, draft: PlanDraft, panel: &PanelView) -> Result<Plan, PlanRefusal> {
    let mut refusals = Refusals(draft.parse_refusals);
    let names = refusals.check(PlanField::Names, draft.names.validated());
    let days = refusals.check(PlanField::Days, check_duration(draft.days));
    let traffic = refusals.check(PlanField::Traffic, check_traffic(draft.traffic_bytes));
    let devices = refusals.check(PlanField::Devices, draft.devices.map(check_devices).transpose());
    let price = refusals.check(PlanField::Price, check_price(draft.price));
    let options = refusals.options(settle_options(draft.base_options, draft.options, panel, draft.active))?;
    let (Some(names), Some(days), Some(traffic), Some(devices), Some(price), Some(options)) =
        (names, days, traffic, devices, price, options)
    else {
        // A field is missing only when it was refused: report them all.
        return Err(refusals.finish().err().unwrap_or(PlanRefusal::Invalid(Vec::new())));
    };
    refusals.finish()?;
    let new = NewPlan {
        names,
        duration_days: days,
        traffic_bytes: traffic,
        device_limit: devices,
        price: Money::new(price, draft.currency),
        sort: draft.sort,
        panel_options: options,
    };
    Ok(tx.insert_plan(&new, draft.active).await?)
}

/// Changes plan `id` in `tx`; `Ok(None)` when this tenant has no such plan.
/// A plan being offered (or staying offered with new options) must fit the
/// shop's panel.
pub async fn update(
    tx: &mut TenantTx,
    id: PlanId,
    change: PlanChange,
    panel: &PanelView,
) -> Result<Option<Plan>, PlanRefusal> {
    let Some(plan) = tx.plan(id).await? else { return Ok(None) };
    let mut refusals = Refusals(change.parse_refusals);
    let names = change.names.and_then(|n| refusals.check(PlanField::Names, n.validated()));
    let days = change.days.and_then(|d| refusals.check(PlanField::Days, check_duration(d)));
    let traffic = change.traffic_bytes.and_then(|t| refusals.check(PlanField::Traffic, check_traffic(t)));
    let devices = change.devices.and_then(|d| refusals.check(PlanField::Devices, d.map(check_devices).transpose()));
    let price = change.price.and_then(|p| refusals.check(PlanField::Price, check_price(p)));
    let offered = change.active.unwrap_or(plan.active);
    let activating = change.active == Some(true) && !plan.active;
    let touched = !change.options.is_empty();
    let options = if touched || activating {
        refusals.options(settle_options(plan.panel_options.clone(), change.options, panel, offered))?
    } else {
        None
    };
    refusals.finish()?;
    let update = PlanUpdate {
        names,
        duration_days: days,
        traffic_bytes: traffic,
        device_limit: devices,
        price: price.map(|p| Money::new(p, plan.price.currency())),
        sort: change.sort,
        active: change.active,
        panel_options: options,
    };
    Ok(tx.update_plan(id, &update).await?)
}

/// The plans customers may buy now: offered, priced in `currency`, and with
/// panel options that fit the shop's panel (a plan made before its shop had a
/// panel, or for another kind, stays off sale until its options are set).
pub async fn on_sale(tx: &mut TenantTx, currency: Currency) -> Result<Vec<Plan>, StoreError> {
    let Some(kind) = PanelView::stored(tx).await?.kind().cloned() else { return Ok(Vec::new()) };
    let plans = tx.active_plans().await?;
    Ok(plans
        .into_iter()
        .filter(|p| p.price.currency() == currency && ready_for(&p.panel_options, &kind).is_ok())
        .collect())
}

/// The panel options a free trial is provisioned with: those of the first
/// plan on sale (a trial tries what the shop sells). `None` when no plan is
/// on sale.
pub async fn trial_options(tx: &mut TenantTx) -> Result<Option<PlanOptions>, StoreError> {
    let Some(kind) = PanelView::stored(tx).await?.kind().cloned() else { return Ok(None) };
    let plans = tx.active_plans().await?;
    Ok(plans.into_iter().map(|p| p.panel_options).find(|o| ready_for(o, &kind).is_ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bazar_domain::{CatalogEntry, Choice};

    const SQUAD: &str = "3a9c0d1e-5b7f-4c2a-9e8d-1f2a3b4c5d6e";

    fn remnawave() -> PanelView {
        let squads = vec![CatalogEntry { label: "Default".into(), ..CatalogEntry::plain(SQUAD) }];
        PanelView::Panel {
            kind: PanelKind::named("remnawave"),
            catalog: Some(PanelCatalog([("squads".into(), squads)].into())),
        }
    }

    fn squads(list: &[&str]) -> OptionsChange {
        OptionsChange::default().set("squads", Choice::Values(list.iter().map(|s| (*s).to_owned()).collect()))
    }

    #[test]
    fn options_are_checked_only_when_they_matter() {
        let none = PlanOptions::default();
        // Created for sale on Remnawave without a squad: refused.
        let refused = settle_options(none.clone(), OptionsChange::default(), &remnawave(), true);
        let Err(PlanRefusal::Invalid(fields)) = refused else { panic!("{refused:?}") };
        assert_eq!(fields[0].field, PlanField::Option("squads".into()));
        assert!(matches!(fields[0].reason, Reason::Options(OptionsError::Missing { .. })));
        // Created withdrawn (a draft in the admin menu): fine, chosen later.
        assert!(settle_options(none.clone(), OptionsChange::default(), &remnawave(), false).is_ok());
        let ok = settle_options(none.clone(), squads(&[SQUAD]), &remnawave(), true).unwrap();
        assert_eq!(ok.get("squads"), Some(&Choice::Values(vec![SQUAD.to_owned()])));
        // The catalog is unknown: a change cannot be checked, so it is refused.
        let unknown = PanelView::Panel { kind: PanelKind::named("remnawave"), catalog: None };
        assert!(matches!(
            settle_options(none.clone(), squads(&[SQUAD]), &unknown, true),
            Err(PlanRefusal::PanelUnknown)
        ));
        // No panel yet: the shape only.
        assert!(settle_options(none.clone(), squads(&[SQUAD]), &PanelView::None, true).is_ok());
        let bad = OptionsChange::default().set("squads", Choice::Values(vec!["VLESS".into()]));
        assert!(matches!(settle_options(none.clone(), bad, &PanelView::None, true), Err(PlanRefusal::Invalid(_))));
        // A kind this build does not know: nothing is sold on it.
        let future = PanelView::Panel { kind: PanelKind::named("future"), catalog: None };
        let refused = settle_options(none, OptionsChange::default(), &future, true);
        let Err(PlanRefusal::Invalid(fields)) = refused else { panic!("{refused:?}") };
        assert_eq!(
            (fields[0].field.as_str(), &fields[0].reason),
            ("options", &Reason::Options(OptionsError::UnknownKind))
        );
    }

    #[test]
    fn traffic_has_the_domains_range() {
        assert_eq!(check_traffic(None), Ok(None));
        assert_eq!(check_traffic(Some(1 << 30)), Ok(Some(1 << 30)));
        assert_eq!(check_traffic(Some(5)), Err(PlanError::Traffic));
    }
}
