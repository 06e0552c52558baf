//! The building blocks the management areas share (customers, subscriptions,
//! plans, cards, settings, promo codes, tickets): buttons of an area, paging,
//! the "ask for a value" screen of a guided flow, and forgiving number input
//! (Persian and Arabic digits, thousands separators), so each area file holds
//! only its own screens.

use crate::callback::{Action, AdminArea, AdminOp};
use crate::i18n::{t, t_args};
use crate::menu::{Screen, button};
use bazar_domain::Language;
use bazar_telegram::requests::{InlineButton, InlineKeyboard};

/// Most items one list page shows.
pub(super) const PAGE: usize = 8;

/// A button of `area` doing `op` on `id` with `arg`.
pub(super) fn op(text: String, menu: u64, area: AdminArea, op: char, id: u64, arg: u64) -> InlineButton {
    button(text, menu, Action::Admin(area, AdminOp::with(op, id, arg)))
}

/// Back to the admin home screen.
pub(super) fn admin_home(language: Language, menu: u64) -> InlineButton {
    button(t(language, "btn-back"), menu, Action::AdminHome)
}

/// Back to an area's own first screen.
pub(super) fn area_home(language: Language, menu: u64, area: AdminArea) -> InlineButton {
    op(t(language, "btn-back"), menu, area, super::HOME, 0, 0)
}

/// A screen from its text and rows of buttons.
pub(super) fn screen(text: String, rows: Vec<Vec<InlineButton>>) -> Screen {
    Screen { text, keyboard: InlineKeyboard::new(rows) }
}

/// The ◀️ / ▶️ row of a list on page `page` (`more`: a next page exists), or
/// nothing when everything fits on one page.
pub(super) fn pager(
    menu: u64,
    area: AdminArea,
    list_op: char,
    id: u64,
    page: u64,
    more: bool,
) -> Option<Vec<InlineButton>> {
    let mut row = Vec::new();
    if page > 0 {
        row.push(op("◀️".into(), menu, area, list_op, id, page - 1));
    }
    if more {
        row.push(op("▶️".into(), menu, area, list_op, id, page.saturating_add(1)));
    }
    (!row.is_empty()).then_some(row)
}

/// `(limit, offset)` of list page `page`: one row more than shown, to know whether a next page exists.
pub(super) fn window(page: u64) -> (i64, i64) {
    let page = i64::try_from(page).unwrap_or(i64::MAX / PAGE as i64).min(1_000_000);
    (PAGE as i64 + 1, page * PAGE as i64)
}

/// Keeps the first page's worth of `items`; `true` when more were fetched (a next page exists).
pub(super) fn trim<T>(items: &mut Vec<T>) -> bool {
    let more = items.len() > PAGE;
    items.truncate(PAGE);
    more
}

/// A guided flow's question: `text`, with a Cancel button back to the area.
pub(super) fn ask(language: Language, menu: u64, area: AdminArea, text: String) -> Screen {
    screen(text, vec![vec![op(t(language, "mng-cancel"), menu, area, super::HOME, 0, 0)]])
}

/// A refused answer: why, then the same question again.
pub(super) fn reask(language: Language, menu: u64, area: AdminArea, why: &str, question: &str) -> Screen {
    ask(language, menu, area, t_args(language, "mng-invalid", &[("why", why), ("question", question)]))
}

/// A toast saying the object is not there (another tenant's id, or removed).
pub(super) fn gone(language: Language) -> String {
    t(language, "mng-gone")
}

/// Digits as people type them: Persian and Arabic-Indic digits become ASCII,
/// spaces, `,`, `_` and `٬` (thousands separators) are dropped.
pub(super) fn ascii_digits(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | ',' | '_' | '٬' | '\u{200c}'))
        .map(|c| match c {
            '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            '−' => '-',
            other => other,
        })
        .collect()
}

/// A whole number typed by a person (may be negative).
pub(super) fn parse_int(text: &str) -> Option<i64> {
    ascii_digits(text).parse().ok()
}

/// A customer as admins see them: `Sara (@sara) · 5151`, the name isolated
/// ([`crate::untrusted::customer_name`]) so it cannot turn the id around.
pub(super) fn who(customer: &bazar_store::Customer) -> String {
    let id = customer.telegram_id.get();
    match (&customer.first_name, &customer.username) {
        (None, None) => id.to_string(),
        _ => format!("{} · {id}", crate::untrusted::customer_name(customer)),
    }
}

/// An id from a button as the store's signed id (an impossible one when out of range).
pub(super) fn signed(id: u64) -> i64 {
    i64::try_from(id).unwrap_or(-1)
}

/// `on`/`off` marks of a switch.
pub(super) fn mark(on: bool) -> &'static str {
    if on { "✅" } else { "⛔️" }
}

/// Asserts that an area handles exactly the op letters of its `OPS` list (the
/// list the isolation walk is checked against): every listed letter, and no
/// other letter a button can carry.
#[cfg(test)]
pub(super) fn assert_op_letters(ops: &[char], handled: impl Fn(char) -> bool) {
    for c in ops {
        assert!(handled(*c), "{c}");
    }
    let unknown = ('0'..='9').chain('a'..='z').chain('A'..='Z').filter(|c| !ops.contains(c));
    for c in unknown {
        assert!(!handled(c), "{c} is handled but missing from OPS");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_typed() {
        assert_eq!(parse_int("۵۰,۰۰۰"), Some(50_000));
        assert_eq!(parse_int(" -1 200 "), Some(-1200));
        assert_eq!(parse_int("٣"), Some(3));
        assert_eq!(parse_int("ten"), None);
        assert_eq!(parse_int(""), None);
    }

    #[test]
    fn paging() {
        assert_eq!(window(0), (9, 0));
        assert_eq!(window(2), (9, 16));
        let mut items: Vec<u8> = (0..9).collect();
        assert!(trim(&mut items));
        assert_eq!(items.len(), PAGE);
        let mut few = vec![1, 2];
        assert!(!trim(&mut few));
        assert!(pager(1, AdminArea::Plans, 'l', 0, 0, false).is_none());
        assert_eq!(pager(1, AdminArea::Plans, 'l', 0, 1, true).unwrap().len(), 2);
        assert_eq!(signed(u64::MAX), -1);
        // A forged page number far past the end must not overflow anything.
        let last = pager(1, AdminArea::Plans, 'l', 0, u64::MAX, true).unwrap();
        assert_eq!(last.len(), 2);
        assert_eq!(window(u64::MAX), (9, 8_000_000));
    }

    /// The isolation walk (`crates/bazar/tests/e2e/admin_isolation.rs`) presses every
    /// op letter of every management area with another tenant's ids; its list
    /// must name exactly the letters the areas handle, so a new op cannot be
    /// added without being walked.
    #[test]
    fn isolation_walk_covers_every_op() {
        const WALK: &str = include_str!("../../../bazar/tests/e2e/admin_isolation.rs");
        let areas: [(&str, &[char]); 7] = [
            ("Customers", super::super::customers::OPS),
            ("Subscriptions", super::super::subscriptions::OPS),
            ("Plans", super::super::plans::OPS),
            ("Cards", super::super::cards::OPS),
            ("Settings", super::super::settings::OPS),
            ("Promos", super::super::promos::OPS),
            ("Tickets", super::super::tickets::OPS),
        ];
        for (name, ops) in areas {
            let needle = format!("(AdminArea::{name}, \"");
            let at = WALK.find(&needle).unwrap_or_else(|| panic!("the walk misses {name}"));
            let rest = &WALK[at + needle.len()..];
            let walked: String = rest.chars().take_while(|c| *c != '"').collect();
            let mut walked: Vec<char> = walked.chars().collect();
            let mut ops = ops.to_vec();
            walked.sort_unstable();
            ops.sort_unstable();
            assert_eq!(walked, ops, "the walk's letters for {name} differ from the area's OPS");
        }
    }
}
