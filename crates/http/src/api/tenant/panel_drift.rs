//! `POST /panel/drift`: the shop's active subscriptions compared with their
//! panel users; what was changed or deleted on the panel behind Bazar's back
//! is put back, what is not ours is reported (`bazar_shop::drift`, the same
//! use case as `bazar panel drift`).

use crate::api::{ApiState, ErrorBody, TenantCaller};
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use bazar_shop::drift::{self, Drift, DriftItem};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().routes(routes!(check_drift))
}

/// What the comparison found.
#[derive(Debug, Serialize, ToSchema)]
pub struct DriftBody {
    /// Active subscriptions compared.
    pub checked: usize,
    /// Those whose panel user differed.
    pub drifted: Vec<DriftItemBody>,
}

/// One subscription whose panel user differed.
#[derive(Debug, Serialize, ToSchema)]
pub struct DriftItemBody {
    /// The subscription's id.
    pub subscription: i64,
    /// How it differed.
    pub problems: Vec<DriftProblem>,
    /// Whether it was put back (`false`: not ours, or the panel could not be fixed now).
    pub fixed: bool,
}

/// One way a panel user differed from what was sold.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DriftProblem {
    /// Deleted on the panel.
    Missing,
    /// Its name is held by a user that is not ours (left alone).
    Foreign,
    /// Expiry changed on the panel (unix seconds; `panel` null = never).
    Expiry {
        /// What was sold.
        ours: i64,
        /// What the panel had.
        panel: Option<i64>,
    },
    /// Traffic allowance changed on the panel (bytes; null = unlimited).
    Traffic {
        /// What was sold.
        ours: Option<u64>,
        /// What the panel had.
        panel: Option<u64>,
    },
    /// Switched off on the panel.
    Disabled,
    /// The panel could not be asked.
    Unreadable {
        /// Why, as the panel adapter words it.
        detail: String,
    },
}

impl From<&DriftItem> for DriftItemBody {
    fn from(item: &DriftItem) -> Self {
        let problems = item
            .drift
            .iter()
            .map(|drift| match drift {
                Drift::Missing => DriftProblem::Missing,
                Drift::Foreign => DriftProblem::Foreign,
                Drift::Expiry { ours, panel } => DriftProblem::Expiry { ours: *ours, panel: *panel },
                Drift::Traffic { ours, panel } => DriftProblem::Traffic { ours: *ours, panel: *panel },
                Drift::Disabled => DriftProblem::Disabled,
                Drift::Unreadable(detail) => DriftProblem::Unreadable { detail: detail.clone() },
            })
            .collect();
        Self { subscription: item.subscription.get(), problems, fixed: item.fixed }
    }
}

/// Compares the shop's active subscriptions with the panel and puts back what is ours.
#[utoipa::path(
    post,
    path = "/panel/drift",
    tag = "tenant",
    security(("api_token" = [])),
    responses(
        (status = 200, description = "What drifted, and what was put back", body = DriftBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn check_drift(caller: TenantCaller, State(state): State<ApiState>) -> Result<Json<DriftBody>, ApiError> {
    let report = drift::check(&state.provisioner, &caller.scope).await?;
    Ok(Json(DriftBody { checked: report.checked, drifted: report.items.iter().map(DriftItemBody::from).collect() }))
}
