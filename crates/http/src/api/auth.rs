//! Who is calling: a tenant's API token (→ its [`TenantScope`], nothing
//! else), or the operator's platform token (→ the [`PlatformScope`] the
//! composition root handed the API, nothing else). Tokens are compared by
//! hash and never logged.

use super::ApiState;
use super::rate_limit::Decision;
use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use bazar_domain::{ConfigKey, ConfigValue};
use bazar_secrets::ApiToken;
use bazar_store::{AuthError, PlatformScope, TenantScope};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The calling tenant. Handlers reach tenant data only through `scope`: an
/// id from another tenant is simply not found.
pub struct TenantCaller {
    /// The tenant the token belongs to.
    pub scope: TenantScope,
}

/// The platform operator (the platform token from the configuration).
/// Platform handlers reach every tenant only through `scope`.
pub struct PlatformCaller {
    /// Platform access, handed out only to a caller with the platform token.
    pub scope: PlatformScope,
}

/// The platform API's door: the operator's token (its SHA-256) and the
/// platform access behind it. Its fields are private to this module, so the
/// scope reaches a handler only through a [`PlatformCaller`] — never through
/// the state every tenant handler also holds.
#[derive(Clone)]
pub struct PlatformDoor {
    token_hash: Option<[u8; 32]>,
    scope: PlatformScope,
}

impl PlatformDoor {
    /// The door opened by `token_hash` (closed when `None`: the platform API is off).
    pub(crate) fn new(token_hash: Option<[u8; 32]>, scope: PlatformScope) -> Self {
        Self { token_hash, scope }
    }
}

fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    let value = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or_default();
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => Ok(token.trim()),
        _ => Err(unauthorized("send `Authorization: Bearer <API token>`")),
    }
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
}

impl FromRequestParts<ApiState> for TenantCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, Self::Rejection> {
        let token = ApiToken::parse(bearer(parts)?).map_err(|_| unauthorized("invalid or revoked API token"))?;
        let scope = match state.store.authenticate_api_token(&token).await {
            Ok(scope) => scope,
            Err(AuthError::InvalidToken) => return Err(unauthorized("invalid or revoked API token")),
            Err(AuthError::TenantInactive(status)) => {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "tenant_inactive",
                    format!("this tenant is {status}"),
                ));
            }
            Err(AuthError::Unavailable(e)) => {
                tracing::error!(error = %e, "API token lookup failed");
                return Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "try again shortly"));
            }
        };
        let per_minute = match state.store.tenant(&scope).settings().await {
            Ok(settings) => match settings.config(ConfigKey::ApiRateLimitPerMinute) {
                ConfigValue::Int(n) => *n as u32,
                _ => 600,
            },
            Err(e) => return Err(e.into()),
        };
        match state.limiter.check(token.hash().as_bytes(), per_minute) {
            Decision::Allowed => Ok(Self { scope }),
            Decision::Limited { retry_after } => {
                let mut error = ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    format!("at most {per_minute} requests a minute per token"),
                );
                error.retry_after = Some(retry_after);
                Err(error)
            }
        }
    }
}

impl FromRequestParts<ApiState> for PlatformCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, Self::Rejection> {
        let presented = bearer(parts)?;
        let Some(expected) = &state.platform.token_hash else {
            return Err(unauthorized("the platform API is off (no platform_api_token is configured)"));
        };
        let hash: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        if !bool::from(hash.ct_eq(expected)) {
            return Err(unauthorized("invalid platform token"));
        }
        match state.limiter.check(&hash, 6_000) {
            Decision::Allowed => Ok(Self { scope: state.platform.scope.clone() }),
            Decision::Limited { retry_after } => {
                let mut error =
                    ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "too many platform requests");
                error.retry_after = Some(retry_after);
                Err(error)
            }
        }
    }
}
