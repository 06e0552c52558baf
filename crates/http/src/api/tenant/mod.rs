//! `/api/v1/…`: one tenant's resources. Every handler starts from the
//! [`TenantCaller`](super::TenantCaller)'s scope.

mod admins;
mod cards;
mod config;
mod customers;
mod flags;
mod me;
mod panel;
mod panel_drift;
mod payments;
mod plans;
mod promos;
mod stats;
mod subscriptions;
mod tickets;

use super::ApiState;
use utoipa_axum::router::OpenApiRouter;

/// Every tenant route.
pub(super) fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .merge(me::routes())
        .merge(admins::routes())
        .merge(customers::routes())
        .merge(subscriptions::routes())
        .merge(plans::routes())
        .merge(panel::routes())
        .merge(panel_drift::routes())
        .merge(cards::routes())
        .merge(payments::routes())
        .merge(promos::routes())
        .merge(tickets::routes())
        .merge(flags::routes())
        .merge(config::routes())
        .merge(stats::routes())
}
