//! Column decoding that is the same on both backends.

use sqlx::Row;
use sqlx::any::AnyRow;

/// Reads a boolean column: PostgreSQL stores `BOOLEAN`, SQLite `INTEGER` 0/1.
pub(crate) fn get_bool(row: &AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    match row.try_get::<bool, _>(column) {
        Ok(b) => Ok(b),
        Err(_) => Ok(row.try_get::<i64, _>(column)? != 0),
    }
}
