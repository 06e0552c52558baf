//! Admin area: subscriptions — the newest ones (paged), one subscription's
//! view (reached from the list or from a customer), extend by N days (guided),
//! disable, and reset the link (the customer gets the new link and QR code).
//!
//! Every change goes through `shop`: `admin_ops::extend` / `admin_ops::disable`
//! and `reset_link::request`, each queueing the job that brings the panel
//! along, in this update's transaction.

use super::manage::{admin_home, area_home, ask, gone, op, pager, parse_int, reask, screen, signed, trim, window};
use super::{Input, Shown};
use crate::callback::{AdminArea, AdminOp};
use crate::context::CustomerBot;
use crate::flow::{AdminFlow, SubscriptionFlow};
use crate::i18n::{t, t_args};
use crate::menu::Screen;
use crate::shop_screens::price;
use crate::state::ChatState;
use bazar_domain::{Language, SubscriptionId, calendar::iso_date_of_ms};
use bazar_runtime::{HandlerError, UpdateContext};
use bazar_shop::admin_ops::{self, DisableOutcome, ExtendOutcome, MAX_EXTEND_DAYS};
use bazar_shop::reset_link::{self, ResetOutcome};
use bazar_store::{Subscription, SubscriptionStatus};
use bazar_telegram::requests::InlineButton;

const AREA: AdminArea = AdminArea::Subscriptions;

/// The op letters of this area (see [`Op`]); tests check them against `Op::of`
/// and against the isolation walk (`crates/bazar/tests/e2e/admin_isolation.rs`).
#[cfg(test)]
pub(crate) const OPS: &[char] = &['h', 'l', 'v', 'e', 'd', 'x', 'r', 'y'];

/// What a button of this area does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// The newest subscriptions, first page.
    Home,
    /// The list, page `arg`.
    List,
    /// One subscription (`id`).
    View,
    /// Ask how many days to add to subscription `id`.
    Extend,
    /// Ask to confirm disabling subscription `id`.
    Disable,
    /// Disable subscription `id` (confirmed).
    DisableNow,
    /// Ask to confirm a new link for subscription `id`.
    Reset,
    /// Reset the link of subscription `id` (confirmed).
    ResetNow,
}

impl Op {
    fn of(c: char) -> Option<Self> {
        Some(match c {
            'h' => Self::Home,
            'l' => Self::List,
            'v' => Self::View,
            'e' => Self::Extend,
            'd' => Self::Disable,
            'x' => Self::DisableNow,
            'r' => Self::Reset,
            'y' => Self::ResetNow,
            _ => return None,
        })
    }
}

/// A button of this area.
pub(crate) async fn press(
    _bot: &CustomerBot,
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    action: AdminOp,
    language: Language,
    menu: u64,
) -> Result<Shown, HandlerError> {
    let Some(what) = Op::of(action.op) else { return Ok(Shown::toast(t(language, "menu-expired"))) };
    let id = signed(action.id);
    if matches!(what, Op::Home | Op::List) {
        let page = if what == Op::Home { 0 } else { action.arg };
        return Ok(Shown::screen(list(ctx, language, menu, page).await?));
    }
    let Some(subscription) = ctx.tx.subscription(SubscriptionId::from_raw(id)).await? else {
        return Ok(Shown::toast(gone(language)));
    };
    Ok(match what {
        Op::Home | Op::List | Op::View => Shown::screen(view(ctx, language, menu, &subscription).await?),
        Op::Extend => {
            if subscription.status != SubscriptionStatus::Active {
                return Ok(Shown::toast(t(language, "mng-sub-not-active")));
            }
            state.admin_flow(AdminFlow::Subscriptions(SubscriptionFlow::Days {
                subscription: SubscriptionId::from_raw(id),
            }));
            let question = t_args(language, "mng-sub-days-ask", &[("id", &id.to_string())]);
            Shown::screen(ask(language, menu, AREA, question))
        }
        Op::Disable => {
            let text = t_args(language, "mng-sub-disable-confirm", &[("id", &id.to_string())]);
            let rows = vec![
                vec![op(t(language, "mng-yes-disable"), menu, AREA, 'x', action.id, 0)],
                vec![op(t(language, "btn-back"), menu, AREA, 'v', action.id, 0)],
            ];
            Shown::screen(screen(text, rows))
        }
        Op::DisableNow => {
            let toast = match admin_ops::disable(&mut ctx.tx, SubscriptionId::from_raw(id)).await? {
                DisableOutcome::Disabled(_) => t(language, "mng-sub-disabled"),
                DisableOutcome::AlreadyDisabled(_) => t(language, "mng-sub-disabled-before"),
                DisableOutcome::NotFound => gone(language),
                DisableOutcome::Failed => t(language, "mng-sub-not-active"),
            };
            let now = ctx.tx.subscription(SubscriptionId::from_raw(id)).await?.unwrap_or(subscription);
            Shown { screen: Some(view(ctx, language, menu, &now).await?), toast: Some(toast) }
        }
        Op::Reset => {
            let text = t_args(language, "mng-sub-reset-confirm", &[("id", &id.to_string())]);
            let rows = vec![
                vec![op(t(language, "mng-yes-reset"), menu, AREA, 'y', action.id, 0)],
                vec![op(t(language, "btn-back"), menu, AREA, 'v', action.id, 0)],
            ];
            Shown::screen(screen(text, rows))
        }
        Op::ResetNow => {
            let actor = format!("bot:{}", ctx.customer.telegram_id.get());
            let toast = match reset_link::request(&mut ctx.tx, SubscriptionId::from_raw(id), &actor).await? {
                ResetOutcome::Queued => t(language, "mng-sub-reset-queued"),
                ResetOutcome::NotFound => gone(language),
                ResetOutcome::NotActive(_) => t(language, "mng-sub-not-active"),
            };
            Shown { screen: Some(view(ctx, language, menu, &subscription).await?), toast: Some(toast) }
        }
    })
}

/// The number of days to add.
pub(crate) async fn input(
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    flow: SubscriptionFlow,
    input: Input<'_>,
    language: Language,
    menu: u64,
) -> Result<Option<Screen>, HandlerError> {
    let SubscriptionFlow::Days { subscription: id } = flow;
    let question = t_args(language, "mng-sub-days-ask", &[("id", &id.to_string())]);
    let days = match input {
        Input::Text(text) => {
            parse_int(text).and_then(|d| u32::try_from(d).ok()).filter(|d| (1..=MAX_EXTEND_DAYS).contains(d))
        }
        Input::Photo { .. } => None,
    };
    let Some(days) = days else {
        state.admin_flow(AdminFlow::Subscriptions(flow));
        return Ok(Some(reask(language, menu, AREA, &t(language, "mng-sub-days-bad"), &question)));
    };
    let actor = format!("bot:{}", ctx.customer.telegram_id.get());
    let settings = ctx.settings.clone();
    let line = match admin_ops::extend(&mut ctx.tx, &settings, id, days, &actor).await? {
        ExtendOutcome::Extended { subscription, .. } => {
            let until = subscription.expires_at.map(iso_date_of_ms).unwrap_or_default();
            t_args(language, "mng-sub-extended", &[("days", &days.to_string()), ("until", &until)])
        }
        ExtendOutcome::NotFound => gone(language),
        ExtendOutcome::NotActive(_) | ExtendOutcome::Changed => t(language, "mng-sub-not-active"),
    };
    Ok(Some(match ctx.tx.subscription(id).await? {
        Some(subscription) => {
            let mut shown = view(ctx, language, menu, &subscription).await?;
            shown.text = format!("{line}\n\n{}", shown.text);
            shown
        }
        None => screen(line, vec![vec![area_home(language, menu, AREA)]]),
    }))
}

async fn list(ctx: &mut UpdateContext, language: Language, menu: u64, page: u64) -> Result<Screen, HandlerError> {
    let (limit, offset) = window(page);
    let mut subscriptions = ctx.tx.recent_subscriptions(limit, offset).await?;
    let more = trim(&mut subscriptions);
    let mut rows: Vec<Vec<InlineButton>> = subscriptions
        .iter()
        .map(|s| {
            let until = s.expires_at.map(iso_date_of_ms).unwrap_or_else(|| "-".into());
            let label = format!("#{} · {} · {until}", s.id, s.status.as_str());
            vec![op(label, menu, AREA, 'v', s.id.get() as u64, 0)]
        })
        .collect();
    rows.extend(pager(menu, AREA, 'l', 0, page, more));
    rows.push(vec![admin_home(language, menu)]);
    let key = if subscriptions.is_empty() { "mng-sub-none" } else { "mng-sub-title" };
    Ok(screen(t_args(language, key, &[("page", &page.saturating_add(1).to_string())]), rows))
}

async fn view(
    ctx: &mut UpdateContext,
    language: Language,
    menu: u64,
    s: &Subscription,
) -> Result<Screen, HandlerError> {
    let customer = ctx.tx.customer(s.customer_id).await?;
    let plan = match s.plan_id {
        Some(plan) => ctx.tx.plan(plan).await?.map(|p| p.names.name(language).to_owned()),
        None => None,
    };
    let plan = plan.unwrap_or_else(|| t(language, if s.is_trial { "mng-sub-trial" } else { "mng-none" }));
    let traffic = match s.traffic_bytes {
        Some(b) => format!("{} GB", b >> 30),
        None => t(language, "traffic-unlimited"),
    };
    let text = t_args(
        language,
        "mng-sub-view",
        &[
            ("id", &s.id.to_string()),
            ("who", &customer.as_ref().map(super::manage::who).unwrap_or_else(|| "?".into())),
            ("plan", &plan),
            ("status", s.status.as_str()),
            ("from", &s.starts_at.map(iso_date_of_ms).unwrap_or_else(|| "-".into())),
            ("until", &s.expires_at.map(iso_date_of_ms).unwrap_or_else(|| "-".into())),
            ("traffic", &traffic),
            ("price", &price(language, s.price)),
        ],
    );
    let raw = s.id.get() as u64;
    let mut rows = Vec::new();
    if s.status == SubscriptionStatus::Active {
        rows.push(vec![
            op(t(language, "mng-sub-extend"), menu, AREA, 'e', raw, 0),
            op(t(language, "mng-sub-reset"), menu, AREA, 'r', raw, 0),
        ]);
    }
    if matches!(s.status, SubscriptionStatus::Active | SubscriptionStatus::Provisioning | SubscriptionStatus::Expired) {
        rows.push(vec![op(t(language, "mng-sub-disable"), menu, AREA, 'd', raw, 0)]);
    }
    if let Some(customer) = &customer {
        let label = t(language, "mng-sub-customer");
        rows.push(vec![op(label, menu, AdminArea::Customers, 'v', customer.id.get() as u64, 0)]);
    }
    rows.push(vec![area_home(language, menu, AREA)]);
    Ok(screen(text, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_op_letter_is_handled() {
        crate::admin::manage::assert_op_letters(OPS, |c| Op::of(c).is_some());
    }
}
