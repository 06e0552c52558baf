//! `/api/v1/platform/…`: the operator's routes (the platform token).

mod bots;
mod stats;

use super::ApiState;
use utoipa_axum::router::OpenApiRouter;

/// Every platform route.
pub(super) fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().merge(bots::routes()).merge(stats::routes())
}
