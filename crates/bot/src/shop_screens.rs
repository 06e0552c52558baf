//! Storefront screens: plans, a plan's summary, subscriptions, the wallet.

use crate::callback::Action;
use crate::i18n::{t, t_args};
use crate::menu::{Screen, button};
use bazar_domain::{Charge, Currency, Language, Money, PromoBenefit, group_thousands};
use bazar_shop::promo::with_benefit;
use bazar_store::{LedgerEntry, PaymentMethod, Plan, Subscription, SubscriptionStatus};
use bazar_telegram::requests::{InlineButton, InlineKeyboard};

/// An amount of money or Stars in the customer's language: `150,000 تومان`,
/// `150,000 IRT`, `50 ⭐`.
pub fn price(language: Language, amount: impl Into<Charge>) -> String {
    let (minor, unit) = match amount.into() {
        Charge::Stars(stars) => (stars.0, "⭐"),
        Charge::Money(money) => (money.minor(), currency_unit(language, money.currency())),
    };
    format!("{} {unit}", group_thousands(minor))
}

/// A currency's name as the customer reads it.
fn currency_unit(language: Language, currency: Currency) -> &'static str {
    match (language, currency) {
        (Language::Fa, Currency::Irt) => "تومان",
        (Language::Fa, Currency::Irr) => "ریال",
        (_, currency) => currency.code(),
    }
}

fn traffic(language: Language, bytes: Option<u64>) -> String {
    match bytes {
        None => t(language, "traffic-unlimited"),
        Some(b) if b >= 1 << 30 => format!("{} GB", b >> 30),
        Some(b) => format!("{} MB", (b >> 20).max(1)),
    }
}

/// Used traffic, e.g. `1.5 GB`.
fn usage(bytes: u64) -> String {
    if bytes >= 1 << 30 {
        format!("{:.1} GB", bytes as f64 / (1u64 << 30) as f64)
    } else {
        format!("{} MB", bytes >> 20)
    }
}

fn devices(language: Language, limit: Option<u32>) -> String {
    match limit {
        None => t(language, "devices-any"),
        Some(n) => t_args(language, "devices-n", &[("n", &n.to_string())]),
    }
}

/// ` · 📱 2 devices`, the device part of a plan's summary line.
fn plan_devices(language: Language, limit: Option<u32>) -> String {
    t_args(language, "plan-devices", &[("devices", &devices(language, limit))])
}

fn back(language: Language, menu: u64) -> Vec<InlineButton> {
    vec![button(t(language, "btn-back"), menu, Action::Home)]
}

/// The plans on sale, one button each.
pub fn plans(language: Language, plans: &[Plan], menu: u64) -> Screen {
    let mut rows: Vec<Vec<InlineButton>> = plans
        .iter()
        .map(|p| {
            let label = format!("{} — {}", p.names.name(language), price(language, p.price));
            vec![button(label, menu, Action::Plan(p.id))]
        })
        .collect();
    rows.push(back(language, menu));
    let text = if plans.is_empty() { t(language, "plans-empty") } else { t(language, "plans-title") };
    Screen { text, keyboard: InlineKeyboard::new(rows) }
}

/// A plan's summary with the pay button (or the shortfall); a pending promo
/// code's effect is shown and included. The device limit is shown only when
/// the shop's panel enforces one (`show_devices`): a promise nothing keeps
/// is not made.
pub fn plan_summary(
    language: Language,
    plan: &Plan,
    show_devices: bool,
    balance: Money,
    promo: Option<(&str, PromoBenefit)>,
    methods: &[PaymentMethod],
    menu: u64,
) -> Screen {
    let (effective, days) = with_benefit(plan.price, plan.duration_days, promo.map(|(_, b)| b));
    let price_text = price(language, effective);
    // The balance is read in the plan's currency; comparing minor units is exact.
    let covered = balance.minor() >= effective.minor();
    let text = t_args(
        language,
        "plan-summary",
        &[
            ("name", plan.names.name(language)),
            ("days", &days.to_string()),
            ("traffic", &traffic(language, plan.traffic_bytes)),
            ("devices", &if show_devices { plan_devices(language, plan.device_limit) } else { String::new() }),
            ("price", &price_text),
            ("balance", &price(language, balance)),
        ],
    );
    let text = match promo {
        Some((code, benefit)) => {
            let what = match benefit {
                PromoBenefit::PercentOff(p) => format!("-{p}%"),
                PromoBenefit::ExtraDays(d) => format!("+{d}"),
                PromoBenefit::WalletBonus(_) => String::new(),
            };
            format!("{text}\n{}", t_args(language, "promo-line", &[("code", code), ("benefit", &what)]))
        }
        None => text,
    };
    let mut rows = Vec::new();
    if covered {
        rows.push(vec![button(t_args(language, "btn-pay", &[("price", &price_text)]), menu, Action::Pay(plan.id))]);
    } else {
        let shortfall = (effective.minor() - balance.minor()).max(0);
        let difference = price(language, Money::new(shortfall, effective.currency()));
        for method in methods {
            let key = match method {
                PaymentMethod::Card => "btn-diff-card",
                PaymentMethod::Zarinpal => "btn-diff-zarinpal",
                PaymentMethod::Stars => "btn-diff-stars",
            };
            let label = t_args(language, key, &[("amount", &difference)]);
            rows.push(vec![button(label, menu, Action::PayDifference(*method, plan.id))]);
        }
    }
    rows.push(vec![button(t(language, "btn-buy"), menu, Action::Plans)]);
    rows.push(back(language, menu));
    let text = if covered {
        text
    } else {
        format!(
            "{text}\n\n{}",
            t_args(language, "not-enough", &[("balance", &price(language, balance)), ("price", &price_text)])
        )
    };
    Screen { text, keyboard: InlineKeyboard::new(rows) }
}

/// Days left until `expires_at` (unix ms), rounded up.
pub fn days_left(expires_at: Option<i64>, now_ms: i64) -> i64 {
    expires_at.map(|e| ((e - now_ms).max(0) + 86_399_999) / 86_400_000).unwrap_or(0)
}

/// The customer's subscriptions with status, days left and link.
/// `auto_renew` is `Some(current)` when the tenant offers automatic renewal.
pub fn subscriptions(
    language: Language,
    subs: &[Subscription],
    used: &[Option<u64>],
    auto_renew: Option<bool>,
    now_ms: i64,
    menu: u64,
) -> Screen {
    let mut text = if subs.is_empty() { t(language, "subs-empty") } else { t(language, "subs-title") };
    for (i, s) in subs.iter().enumerate() {
        let status = match s.status {
            SubscriptionStatus::Active if s.expires_at.is_some_and(|e| e <= now_ms) => t(language, "status-expired"),
            SubscriptionStatus::Active => {
                t_args(language, "status-active", &[("days", &days_left(s.expires_at, now_ms).to_string())])
            }
            SubscriptionStatus::Provisioning => t(language, "status-provisioning"),
            SubscriptionStatus::Expired => t(language, "status-expired"),
            SubscriptionStatus::Disabled => t(language, "status-disabled"),
            SubscriptionStatus::Failed => t(language, "status-failed"),
        };
        let volume = match used.get(i).copied().flatten() {
            Some(bytes) => format!("{} / {}", usage(bytes), traffic(language, s.traffic_bytes)),
            None => traffic(language, s.traffic_bytes),
        };
        text.push_str(&format!("\n\n#{} · {} · {}", s.id, volume, status));
        if let (SubscriptionStatus::Active, Some(url)) = (s.status, &s.subscription_url) {
            text.push_str(&format!("\n{url}"));
        }
    }
    let mut rows: Vec<Vec<InlineButton>> = subs
        .iter()
        .filter(|s| s.status == SubscriptionStatus::Active && s.subscription_url.is_some())
        .take(5)
        .map(|s| vec![button(t_args(language, "btn-qr", &[("id", &s.id.to_string())]), menu, Action::ShowLink(s.id))])
        .collect();
    rows.extend(
        subs.iter()
            .filter(|s| {
                !s.is_trial
                    && s.plan_id.is_some()
                    && matches!(s.status, SubscriptionStatus::Active | SubscriptionStatus::Expired)
            })
            .take(5)
            .map(|s| {
                vec![button(t_args(language, "btn-renew", &[("id", &s.id.to_string())]), menu, Action::Renew(s.id))]
            }),
    );
    if let Some(on) = auto_renew {
        let key = if on { "btn-auto-on" } else { "btn-auto-off" };
        rows.push(vec![button(t(language, key), menu, Action::AutoRenew)]);
    }
    rows.push(back(language, menu));
    Screen { text, keyboard: InlineKeyboard::new(rows) }
}

/// Balance and the latest entries.
pub fn wallet(language: Language, balance: Money, entries: &[LedgerEntry], can_top_up: bool, menu: u64) -> Screen {
    let mut text = t_args(language, "wallet-title", &[("balance", &price(language, balance))]);
    if entries.is_empty() {
        text.push_str(&format!("\n\n{}", t(language, "wallet-empty")));
    }
    for e in entries {
        let sign = if e.amount.is_positive() { "+" } else { "" };
        text.push_str(&format!("\n{sign}{} · {}", price(language, e.amount), e.kind.as_str()));
    }
    let mut rows = Vec::new();
    if can_top_up {
        rows.push(vec![button(t(language, "btn-top-up"), menu, Action::TopUp)]);
    }
    rows.push(vec![button(t(language, "btn-buy"), menu, Action::Plans)]);
    rows.push(back(language, menu));
    Screen { text, keyboard: InlineKeyboard::new(rows) }
}
