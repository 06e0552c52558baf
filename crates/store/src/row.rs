//! Column decoding that is the same on both backends.

use crate::StoreError;
use bazar_domain::{Currency, Money};
use sqlx::Row;
use sqlx::any::AnyRow;

/// Reads a boolean column: PostgreSQL stores `BOOLEAN`, SQLite `INTEGER` 0/1.
pub(crate) fn get_bool(row: &AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    match row.try_get::<bool, _>(column) {
        Ok(b) => Ok(b),
        Err(_) => Ok(row.try_get::<i64, _>(column)? != 0),
    }
}

/// Reads an amount and the currency stored beside it: the one mapping of a
/// `(minor units, currency code)` column pair to [`Money`]. A code the
/// domain does not know is a corrupt row, never a guess.
pub(crate) fn get_money(row: &AnyRow, amount: &str, currency: &str) -> Result<Money, StoreError> {
    let code: String = row.try_get(currency)?;
    Ok(Money::new(row.try_get(amount)?, parse_currency(&code)?))
}

/// A stored currency code as the domain's [`Currency`].
pub(crate) fn parse_currency(code: &str) -> Result<Currency, StoreError> {
    Currency::parse(code).map_err(|e| StoreError::Corrupt(e.to_string()))
}
