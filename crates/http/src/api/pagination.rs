//! `?limit=&offset=` paging with stable ordering (by id), and the page envelope.

use crate::error::ApiError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Most items one page may hold.
pub const MAX_LIMIT: i64 = 200;
/// Items per page when the client does not say.
pub const DEFAULT_LIMIT: i64 = 50;

/// Which page.
#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page (1–200, default 50).
    pub limit: Option<i64>,
    /// Items to skip (default 0).
    pub offset: Option<i64>,
}

impl PageQuery {
    /// The checked `(limit, offset)`.
    pub fn checked(self) -> Result<(i64, i64), ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::field("limit", format!("must be from 1 to {MAX_LIMIT}")));
        }
        let offset = self.offset.unwrap_or(0);
        if offset < 0 {
            return Err(ApiError::field("offset", "must not be negative"));
        }
        Ok((limit, offset))
    }
}

/// One page of a list, in a stable order.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// The limit applied.
    pub limit: i64,
    /// The offset applied.
    pub offset: i64,
    /// The offset of the next page, if there may be one.
    pub next_offset: Option<i64>,
}

impl<T> Page<T> {
    /// Wraps `items` fetched with `limit` and `offset`.
    pub fn new(items: Vec<T>, limit: i64, offset: i64) -> Self {
        let next_offset = (items.len() as i64 == limit).then_some(offset + limit);
        Self { items, limit, offset, next_offset }
    }
}
