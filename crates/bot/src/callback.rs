//! Callback data of inline buttons: a typed, versioned codec under Telegram's 64-byte limit.
//!
//! Format: `v1.<menu>.<action>[.<arg>]`, where `<menu>` is the chat's menu
//! generation (base 36). A new menu message bumps the generation, so a button on
//! an older menu — or data from another version of the bot — decodes as
//! [`Decoded::Expired`] and the customer gets a friendly "menu expired" answer.

use bazar_domain::{Language, PaymentId, PlanId, SubscriptionId, TicketId};
use bazar_store::PaymentMethod;

const VERSION: &str = "v1";
/// Telegram's limit on `callback_data`.
pub const MAX_LEN: usize = 64;

/// What a button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Back to the main menu.
    Home,
    /// Show the language picker.
    LanguageMenu,
    /// Switch to a language.
    SetLanguage(Language),
    /// The list of plans.
    Plans,
    /// One plan's summary.
    Plan(PlanId),
    /// Pay for a plan from the wallet.
    Pay(PlanId),
    /// The customer's subscriptions.
    Subscriptions,
    /// The wallet.
    Wallet,
    /// Start the free trial.
    Trial,
    /// The invite link and referral stats.
    Invite,
    /// Enter a promo code.
    Promo,
    /// Write to support.
    Support,
    /// Renew a subscription from the wallet.
    Renew(SubscriptionId),
    /// Turn automatic renewal on or off.
    AutoRenew,
    /// Send a subscription's link and QR code again.
    ShowLink(SubscriptionId),
    /// Admin: answer a ticket (not tied to a menu generation).
    TicketReply(TicketId),
    /// Admin: close a ticket (not tied to a menu generation).
    TicketClose(TicketId),
    /// Top up the wallet: choose a payment method.
    TopUp,
    /// Top up the wallet with this method: ask for the amount.
    TopUpWith(PaymentMethod),
    /// Pay the difference between the wallet and a plan's price with a method, then buy the plan.
    PayDifference(PaymentMethod, PlanId),
    /// Cancel the customer's open card-to-card payment.
    CancelPayment,
    /// Admin: approve a card-to-card payment (not tied to a menu generation).
    PaymentApprove(PaymentId),
    /// Admin: reject a card-to-card payment (not tied to a menu generation).
    PaymentReject(PaymentId),
    /// Master bot, platform admin: open a shop requested through onboarding
    /// (not tied to a menu generation; the request's status decides once).
    OnboardingApprove(i64),
    /// Master bot, platform admin: refuse an onboarding request and refund its fee.
    OnboardingReject(i64),
    /// Admin: the admin menu.
    AdminHome,
    /// Admin: card-to-card receipts waiting for a decision.
    AdminReceipts,
    /// An operation of one admin area (customers, plans, broadcast, the master bot…).
    Admin(AdminArea, AdminOp),
}

/// The admin areas. Each lives in its own module under `crate::admin` and
/// gives its own meaning to the [`AdminOp`] letters and numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminArea {
    /// Customers: search, view, ban, wallet adjustments.
    Customers,
    /// Subscriptions: extend, disable, reset link.
    Subscriptions,
    /// Plans: add, edit, disable, reorder.
    Plans,
    /// Payment cards: add, enable/disable, today's usage.
    Cards,
    /// Feature flags and the tenant's configuration.
    Settings,
    /// Promo codes.
    Promos,
    /// Support tickets.
    Tickets,
    /// Statistics with a chart.
    Stats,
    /// Broadcasts to the tenant's customers.
    Broadcast,
    /// The tenant's admins: add and remove (for admins allowed to manage admins).
    Admins,
    /// The VPN panel serving the shop, and connecting the shop's own.
    Panel,
    /// The master bot's platform menu (platform admins only).
    Master,
    /// Self-service onboarding of a new reseller in the master bot (anyone).
    Onboarding,
}

impl AdminArea {
    /// Every area.
    pub const ALL: [AdminArea; 13] = [
        Self::Customers,
        Self::Subscriptions,
        Self::Plans,
        Self::Cards,
        Self::Settings,
        Self::Promos,
        Self::Tickets,
        Self::Stats,
        Self::Broadcast,
        Self::Admins,
        Self::Panel,
        Self::Master,
        Self::Onboarding,
    ];

    fn code(self) -> char {
        match self {
            Self::Customers => 'c',
            Self::Subscriptions => 's',
            Self::Plans => 'p',
            Self::Cards => 'k',
            Self::Settings => 'f',
            Self::Promos => 'o',
            Self::Tickets => 't',
            Self::Stats => 'g',
            Self::Broadcast => 'b',
            Self::Admins => 'a',
            Self::Panel => 'v',
            Self::Master => 'm',
            Self::Onboarding => 'n',
        }
    }

    fn of(c: char) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == c)
    }
}

/// One operation inside an admin area: a letter (ASCII alphanumeric) naming
/// what to do and two numbers (an object id and an argument) whose meaning
/// the area defines. Encoded as `v1.<menu>.a.<area><op>.<id>.<arg>` (≤ 49 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdminOp {
    /// What to do, e.g. `'l'` for a list.
    pub op: char,
    /// The object it is done to (0 when none).
    pub id: u64,
    /// A further argument (a page, a choice…; 0 when none).
    pub arg: u64,
}

impl AdminOp {
    /// An operation without numbers.
    pub const fn new(op: char) -> Self {
        Self { op, id: 0, arg: 0 }
    }

    /// An operation on object `id`.
    pub const fn on(op: char, id: u64) -> Self {
        Self { op, id, arg: 0 }
    }

    /// An operation on object `id` with argument `arg`.
    pub const fn with(op: char, id: u64, arg: u64) -> Self {
        Self { op, id, arg }
    }
}

fn method_char(method: PaymentMethod) -> char {
    match method {
        PaymentMethod::Card => 'c',
        PaymentMethod::Zarinpal => 'z',
        PaymentMethod::Stars => 's',
    }
}

fn method_of(c: char) -> Option<PaymentMethod> {
    PaymentMethod::ALL.into_iter().find(|m| method_char(*m) == c)
}

/// A decoded button press.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoded {
    /// A current button.
    Current(Action),
    /// A button of an older menu or an unknown format.
    Expired,
}

/// Encodes an action for the menu of generation `menu`.
pub fn encode(menu: u64, action: Action) -> String {
    let menu = to_base36(menu);
    let data = match action {
        Action::Home => format!("{VERSION}.{menu}.home"),
        Action::LanguageMenu => format!("{VERSION}.{menu}.lang"),
        Action::SetLanguage(l) => format!("{VERSION}.{menu}.lang.{}", l.code()),
        Action::Plans => format!("{VERSION}.{menu}.plans"),
        Action::Plan(id) => format!("{VERSION}.{menu}.plan.{}", to_base36(id.get() as u64)),
        Action::Pay(id) => format!("{VERSION}.{menu}.pay.{}", to_base36(id.get() as u64)),
        Action::Subscriptions => format!("{VERSION}.{menu}.subs"),
        Action::Wallet => format!("{VERSION}.{menu}.wallet"),
        Action::Trial => format!("{VERSION}.{menu}.trial"),
        Action::Invite => format!("{VERSION}.{menu}.invite"),
        Action::Promo => format!("{VERSION}.{menu}.promo"),
        Action::Support => format!("{VERSION}.{menu}.support"),
        Action::Renew(id) => format!("{VERSION}.{menu}.renew.{}", to_base36(id.get() as u64)),
        Action::AutoRenew => format!("{VERSION}.{menu}.auto"),
        Action::ShowLink(id) => format!("{VERSION}.{menu}.qr.{}", to_base36(id.get() as u64)),
        Action::TicketReply(id) => format!("{VERSION}t.r.{}", to_base36(id.get() as u64)),
        Action::TicketClose(id) => format!("{VERSION}t.c.{}", to_base36(id.get() as u64)),
        Action::TopUp => format!("{VERSION}.{menu}.topup"),
        Action::TopUpWith(m) => format!("{VERSION}.{menu}.topup.{}", method_char(m)),
        Action::PayDifference(m, id) => {
            format!("{VERSION}.{menu}.diff.{}{}", method_char(m), to_base36(id.get() as u64))
        }
        Action::CancelPayment => format!("{VERSION}.{menu}.cancelpay"),
        Action::PaymentApprove(id) => format!("{VERSION}p.a.{}", to_base36(id.get() as u64)),
        Action::PaymentReject(id) => format!("{VERSION}p.r.{}", to_base36(id.get() as u64)),
        Action::OnboardingApprove(id) => format!("{VERSION}o.a.{}", to_base36(id as u64)),
        Action::OnboardingReject(id) => format!("{VERSION}o.r.{}", to_base36(id as u64)),
        Action::AdminHome => format!("{VERSION}.{menu}.adm"),
        Action::AdminReceipts => format!("{VERSION}.{menu}.adm.rcpt"),
        Action::Admin(area, op) => {
            debug_assert!(op.op.is_ascii_alphanumeric(), "admin op letters are ASCII alphanumerics");
            format!("{VERSION}.{menu}.a.{}{}.{}.{}", area.code(), op.op, to_base36(op.id), to_base36(op.arg))
        }
    };
    debug_assert!(data.len() <= MAX_LEN);
    data
}

/// Decodes button data pressed while the chat's current menu is `current_menu`.
pub fn decode(data: &str, current_menu: u64) -> Decoded {
    // Ticket buttons live in the admin chat and stay valid whatever its menus do.
    if let Some(rest) = data.strip_prefix("v1t.") {
        let id = rest.get(2..).and_then(from_base36).and_then(|n| i64::try_from(n).ok());
        return match (rest.get(..2), id) {
            (Some("r."), Some(id)) => Decoded::Current(Action::TicketReply(TicketId::from_raw(id))),
            (Some("c."), Some(id)) => Decoded::Current(Action::TicketClose(TicketId::from_raw(id))),
            _ => Decoded::Expired,
        };
    }
    // So do payment decisions: the payment's own status makes a stale one harmless.
    if let Some(rest) = data.strip_prefix("v1p.") {
        let id = rest.get(2..).and_then(from_base36).and_then(|n| i64::try_from(n).ok());
        return match (rest.get(..2), id) {
            (Some("a."), Some(id)) => Decoded::Current(Action::PaymentApprove(PaymentId::from_raw(id))),
            (Some("r."), Some(id)) => Decoded::Current(Action::PaymentReject(PaymentId::from_raw(id))),
            _ => Decoded::Expired,
        };
    }
    // And onboarding decisions in the master bot: the request's status decides once.
    if let Some(rest) = data.strip_prefix("v1o.") {
        let id = rest.get(2..).and_then(from_base36).and_then(|n| i64::try_from(n).ok());
        return match (rest.get(..2), id) {
            (Some("a."), Some(id)) => Decoded::Current(Action::OnboardingApprove(id)),
            (Some("r."), Some(id)) => Decoded::Current(Action::OnboardingReject(id)),
            _ => Decoded::Expired,
        };
    }
    let mut parts = data.split('.');
    if parts.next() != Some(VERSION) {
        return Decoded::Expired;
    }
    let Some(menu) = parts.next().and_then(from_base36) else {
        return Decoded::Expired;
    };
    if menu != current_menu {
        return Decoded::Expired;
    }
    let parts: Vec<&str> = parts.collect();
    if let ["a", code, id, arg] = parts.as_slice() {
        let mut chars = code.chars();
        let area = chars.next().and_then(AdminArea::of);
        let op = chars.next().filter(char::is_ascii_alphanumeric);
        return match (area, op, chars.next(), from_base36(id), from_base36(arg)) {
            (Some(area), Some(op), None, Some(id), Some(arg)) => {
                Decoded::Current(Action::Admin(area, AdminOp { op, id, arg }))
            }
            _ => Decoded::Expired,
        };
    }
    let mut parts = parts.into_iter();
    let action = match (parts.next(), parts.next(), parts.next()) {
        (Some("home"), None, None) => Action::Home,
        (Some("lang"), None, None) => Action::LanguageMenu,
        (Some("lang"), Some(code), None) => match code.parse() {
            Ok(l) => Action::SetLanguage(l),
            Err(_) => return Decoded::Expired,
        },
        (Some("plans"), None, None) => Action::Plans,
        (Some("plan"), Some(id), None) => match from_base36(id).and_then(|n| i64::try_from(n).ok()) {
            Some(id) => Action::Plan(PlanId::from_raw(id)),
            None => return Decoded::Expired,
        },
        (Some("pay"), Some(id), None) => match from_base36(id).and_then(|n| i64::try_from(n).ok()) {
            Some(id) => Action::Pay(PlanId::from_raw(id)),
            None => return Decoded::Expired,
        },
        (Some("subs"), None, None) => Action::Subscriptions,
        (Some("wallet"), None, None) => Action::Wallet,
        (Some("trial"), None, None) => Action::Trial,
        (Some("invite"), None, None) => Action::Invite,
        (Some("promo"), None, None) => Action::Promo,
        (Some("support"), None, None) => Action::Support,
        (Some("auto"), None, None) => Action::AutoRenew,
        (Some("topup"), None, None) => Action::TopUp,
        (Some("topup"), Some(m), None) => match single_char(m).and_then(method_of) {
            Some(m) => Action::TopUpWith(m),
            None => return Decoded::Expired,
        },
        (Some("diff"), Some(arg), None) => {
            let method = arg.chars().next().and_then(method_of);
            let id = arg.get(1..).and_then(from_base36).and_then(|n| i64::try_from(n).ok());
            match (method, id) {
                (Some(m), Some(id)) => Action::PayDifference(m, PlanId::from_raw(id)),
                _ => return Decoded::Expired,
            }
        }
        (Some("cancelpay"), None, None) => Action::CancelPayment,
        (Some("adm"), None, None) => Action::AdminHome,
        (Some("adm"), Some("rcpt"), None) => Action::AdminReceipts,
        (Some("qr"), Some(id), None) => match from_base36(id).and_then(|n| i64::try_from(n).ok()) {
            Some(id) => Action::ShowLink(SubscriptionId::from_raw(id)),
            None => return Decoded::Expired,
        },
        (Some("renew"), Some(id), None) => match from_base36(id).and_then(|n| i64::try_from(n).ok()) {
            Some(id) => Action::Renew(SubscriptionId::from_raw(id)),
            None => return Decoded::Expired,
        },
        _ => return Decoded::Expired,
    };
    Decoded::Current(action)
}

fn single_char(text: &str) -> Option<char> {
    let mut chars = text.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

fn to_base36(mut n: u64) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ascii")
}

fn from_base36(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 13 {
        return None;
    }
    u64::from_str_radix(text, 36).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_within_the_limit() {
        let all = [
            Action::Home,
            Action::LanguageMenu,
            Action::SetLanguage(Language::Fa),
            Action::Plans,
            Action::Plan(PlanId::from_raw(i64::MAX)),
            Action::Pay(PlanId::from_raw(42)),
            Action::Subscriptions,
            Action::Wallet,
            Action::Trial,
            Action::Invite,
            Action::Promo,
            Action::Support,
            Action::Renew(SubscriptionId::from_raw(12)),
            Action::AutoRenew,
            Action::TicketReply(TicketId::from_raw(77)),
            Action::TicketClose(TicketId::from_raw(77)),
            Action::TopUp,
            Action::TopUpWith(PaymentMethod::Stars),
            Action::PayDifference(PaymentMethod::Card, PlanId::from_raw(i64::MAX)),
            Action::PayDifference(PaymentMethod::Zarinpal, PlanId::from_raw(5)),
            Action::CancelPayment,
            Action::PaymentApprove(PaymentId::from_raw(i64::MAX)),
            Action::PaymentReject(PaymentId::from_raw(3)),
            Action::OnboardingApprove(i64::MAX),
            Action::OnboardingReject(4),
            Action::AdminHome,
            Action::AdminReceipts,
            Action::Admin(AdminArea::Customers, AdminOp::new('l')),
            Action::Admin(AdminArea::Onboarding, AdminOp::with('Z', u64::MAX, u64::MAX)),
            Action::Admin(AdminArea::Master, AdminOp::with('9', 0, 7)),
        ];
        for action in all {
            for menu in [0, 1, 35, 36, 1_000_000, u64::MAX] {
                let data = encode(menu, action);
                assert!(data.len() <= MAX_LEN, "{data}");
                assert_eq!(decode(&data, menu), Decoded::Current(action));
            }
        }
    }

    #[test]
    fn stale_and_foreign_data_is_expired() {
        let data = encode(3, Action::Home);
        assert_eq!(decode(&data, 4), Decoded::Expired);
        for junk in [
            "",
            "v0.1.home",
            "v1.zz",
            "v1.1.buy",
            "v1.1.lang.de",
            "v1.1.home.extra",
            "v1..home",
            "v1.1.a.xl.0.0",
            "v1.1.a.c.0.0",
            "v1.1.a.cl.0",
            "v1.1.a.cl!.0.0",
            "v1.1.a.c-.0.0",
        ] {
            assert_eq!(decode(junk, 1), Decoded::Expired, "{junk}");
        }
    }
}
