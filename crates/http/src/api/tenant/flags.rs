//! Placeholder: filled in by the API work.

use crate::api::ApiState;
use utoipa_axum::router::OpenApiRouter;

pub(super) fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
}
