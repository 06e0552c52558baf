//! What Bazar knows about VPN panels without talking to one, in terms that
//! hold for every panel kind: a kind's name and what it enforces
//! ([`PanelKind`], [`PanelCapabilities`]), how Bazar logs in
//! ([`PanelCredentials`], described by [`CredentialSet`]s), what a plan
//! chooses on a panel ([`PlanOptions`], described by [`OptionField`]s), what
//! a panel offers ([`PanelCatalog`]), and the one rule that joins the last
//! two: a plan is sold only with options the panel really has
//! ([`PlanOptions::checked`]).
//!
//! No kind is named here. Each kind (a folder in `bazar-panels`) declares its
//! credential sets and option fields as data; the CLI, the REST API and the
//! admin menus render their forms from those declarations and hand what a
//! person chose to these types, so a new kind needs no edit in any of them.

mod catalog;
mod credentials;
mod kind;
mod options;
#[cfg(test)]
mod tests;

pub use catalog::{CatalogEntry, PanelCatalog};
pub use credentials::{CredentialField, CredentialSet, CredentialsError, PanelCredentials, UnreadableCredentials};
pub use kind::{Labels, PanelCapabilities, PanelKind, UnknownPanelKind};
pub use options::{Choice, OptionField, OptionsChange, OptionsError, PlanOptions, ValueShape, is_uuid};
