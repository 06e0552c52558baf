//! Admin area: customers — the list (paged), search by Telegram id or
//! @username, one customer's view (subscriptions, wallet with its last
//! movements, payments), ban / unban, and a wallet adjustment with a reason.
//!
//! The adjustment goes through `shop::admin_ops::adjust_wallet` with a key made
//! when the admin pressed "Adjust" (chat, menu generation, customer), so the
//! same adjustment can never be posted twice.

use super::manage::{
    PAGE, admin_home, area_home, ask, gone, op, pager, parse_int, reask, screen, signed, trim, who, window,
};
use super::{Input, Shown};
use crate::callback::{AdminArea, AdminOp};
use crate::context::CustomerBot;
use crate::flow::{AdminFlow, CustomerFlow};
use crate::i18n::{t, t_args};
use crate::menu::Screen;
use crate::shop_screens::price;
use crate::state::ChatState;
use bazar_domain::{CustomerId, Language, Money, calendar::iso_date_of_ms};
use bazar_runtime::{HandlerError, UpdateContext};
use bazar_shop::admin_ops::{self, AdjustOutcome};
use bazar_store::{Customer, CustomerSearch, PaymentFilter, SubscriptionFilter};
use bazar_telegram::requests::{InlineButton, SendMessage};

const AREA: AdminArea = AdminArea::Customers;
/// Largest amount one adjustment may move (as the API allows).
const MAX_ADJUSTMENT: i64 = 1_000_000_000_000_000;

/// The op letters of this area (see [`Op`]); tests check them against `Op::of`
/// and against the isolation walk (`crates/bazar/tests/e2e/admin_isolation.rs`).
#[cfg(test)]
pub(crate) const OPS: &[char] = &['h', 'l', 's', 'v', 'b', 'w'];

/// What a button of this area does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// The list, first page, with the search button.
    Home,
    /// The list, page `arg`.
    List,
    /// Ask for a Telegram id or @username.
    Search,
    /// One customer (`id`).
    View,
    /// Ban (`arg` 1) or unban (`arg` 0) customer `id`.
    Ban,
    /// Start a wallet adjustment of customer `id`.
    Wallet,
}

impl Op {
    fn of(c: char) -> Option<Self> {
        Some(match c {
            'h' => Self::Home,
            'l' => Self::List,
            's' => Self::Search,
            'v' => Self::View,
            'b' => Self::Ban,
            'w' => Self::Wallet,
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
    let id = CustomerId::from_raw(signed(action.id));
    Ok(match what {
        Op::Home => Shown::screen(list(ctx, language, menu, 0).await?),
        Op::List => Shown::screen(list(ctx, language, menu, action.arg).await?),
        Op::Search => {
            state.admin_flow(AdminFlow::Customers(CustomerFlow::Search));
            Shown::screen(ask(language, menu, AREA, t(language, "mng-cust-search-ask")))
        }
        Op::View => match view(ctx, language, menu, id).await? {
            Some(screen) => Shown::screen(screen),
            None => Shown::toast(gone(language)),
        },
        Op::Ban => {
            let banned = action.arg == 1;
            // An admin banned would be locked out of the menu that could undo it.
            if banned
                && let Some(customer) = ctx.tx.customer(id).await?
                && ctx.tx.is_admin(customer.telegram_id).await?
            {
                return Ok(Shown::toast(t(language, "mng-cust-ban-admin")));
            }
            match ctx.tx.set_customer_banned(id, banned).await? {
                Some(_) => {
                    let toast = t(language, if banned { "mng-cust-banned" } else { "mng-cust-unbanned" });
                    Shown { screen: view(ctx, language, menu, id).await?, toast: Some(toast) }
                }
                None => Shown::toast(gone(language)),
            }
        }
        Op::Wallet => match ctx.tx.customer(id).await? {
            Some(customer) => {
                // The key is fixed now: whatever is sent later, this adjustment posts once.
                let key = format!("{}.{menu}.{}", ctx.chat.0, customer.id.get());
                state.admin_flow(AdminFlow::Customers(CustomerFlow::Amount { customer: customer.id.get(), key }));
                let question = amount_question(ctx, language, &customer).await?;
                Shown::screen(ask(language, menu, AREA, question))
            }
            None => Shown::toast(gone(language)),
        },
    })
}

/// The next text of a search or a wallet adjustment.
pub(crate) async fn input(
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    flow: CustomerFlow,
    input: Input<'_>,
    language: Language,
    menu: u64,
) -> Result<Option<Screen>, HandlerError> {
    let Input::Text(text) = input else {
        state.admin_flow(AdminFlow::Customers(flow));
        return Ok(Some(ask(language, menu, AREA, t(language, "mng-text-please"))));
    };
    match flow {
        CustomerFlow::Search => Ok(Some(search(ctx, language, menu, text).await?)),
        CustomerFlow::Amount { customer, key } => amount(ctx, state, customer, key, text, language, menu).await,
        CustomerFlow::Reason { customer, key, amount } => {
            reason(ctx, state, Adjustment { customer, key, amount }, text, language, menu).await
        }
    }
}

/// A wallet adjustment whose amount is known, waiting for its reason.
struct Adjustment {
    customer: i64,
    key: String,
    amount: i64,
}

async fn list(ctx: &mut UpdateContext, language: Language, menu: u64, page: u64) -> Result<Screen, HandlerError> {
    let (limit, offset) = window(page);
    let mut customers = ctx.tx.recent_customers(limit, offset).await?;
    let more = trim(&mut customers);
    let mut rows: Vec<Vec<InlineButton>> = vec![vec![op(t(language, "mng-cust-search"), menu, AREA, 's', 0, 0)]];
    rows.extend(customers.iter().map(|c| vec![op(who(c), menu, AREA, 'v', c.id.get() as u64, 0)]));
    rows.extend(pager(menu, AREA, 'l', 0, page, more));
    rows.push(vec![admin_home(language, menu)]);
    let key = if customers.is_empty() { "mng-cust-none" } else { "mng-cust-title" };
    Ok(screen(t_args(language, key, &[("page", &page.saturating_add(1).to_string())]), rows))
}

async fn search(ctx: &mut UpdateContext, language: Language, menu: u64, text: &str) -> Result<Screen, HandlerError> {
    let found = ctx.tx.customers_page(&CustomerSearch::parse(text), PAGE as i64, 0).await?;
    if let [one] = found.as_slice()
        && let Some(screen) = view(ctx, language, menu, one.id).await?
    {
        return Ok(screen);
    }
    let mut rows: Vec<Vec<InlineButton>> =
        found.iter().map(|c| vec![op(who(c), menu, AREA, 'v', c.id.get() as u64, 0)]).collect();
    rows.push(vec![op(t(language, "mng-cust-search"), menu, AREA, 's', 0, 0)]);
    rows.push(vec![area_home(language, menu, AREA)]);
    let key = if found.is_empty() { "mng-cust-not-found" } else { "mng-cust-found" };
    Ok(screen(t_args(language, key, &[("count", &found.len().to_string())]), rows))
}

async fn balance(ctx: &mut UpdateContext, customer: CustomerId) -> Result<Money, HandlerError> {
    Ok(ctx.tx.balance(customer, ctx.settings.currency()).await?)
}

/// One customer: who, wallet and its last movements, subscriptions (buttons), payments.
async fn view(
    ctx: &mut UpdateContext,
    language: Language,
    menu: u64,
    id: CustomerId,
) -> Result<Option<Screen>, HandlerError> {
    let Some(customer) = ctx.tx.customer(id).await? else { return Ok(None) };
    let balance = balance(ctx, id).await?;
    let entries = ctx.tx.ledger_entries(id, 5).await?;
    let filter = SubscriptionFilter { customer: Some(id), ..Default::default() };
    let subscriptions = ctx.tx.subscriptions_page(&filter, 50, 0).await?;
    let payments = ctx.tx.payments(&PaymentFilter { customer: Some(id), status: None, method: None }, 5, 0).await?;
    let mut text = t_args(
        language,
        "mng-cust-view",
        &[
            ("who", &who(&customer)),
            ("id", &customer.id.get().to_string()),
            ("language", customer.language.map(|l| l.code()).unwrap_or("-")),
            ("since", &iso_date_of_ms(customer.created_at)),
            ("balance", &price(language, balance)),
            ("status", &t(language, if customer.banned { "mng-cust-is-banned" } else { "mng-cust-is-ok" })),
        ],
    );
    if !entries.is_empty() {
        text.push_str(&format!("\n\n{}", t(language, "mng-cust-ledger")));
        for e in &entries {
            let amount = price(language, e.amount);
            let reference = e.reference.as_deref().unwrap_or("");
            text.push_str(&format!("\n{} {} {} {reference}", iso_date_of_ms(e.created_at), e.kind.as_str(), amount));
        }
    }
    if !payments.is_empty() {
        text.push_str(&format!("\n\n{}", t(language, "mng-cust-payments")));
        for p in &payments {
            let amount = price(language, p.charge);
            text.push_str(&format!("\n#{} {} {} {}", p.id, p.method.as_str(), p.status.as_str(), amount));
        }
    }
    // Newest subscriptions first; the list is capped so the keyboard stays small.
    let mut rows: Vec<Vec<InlineButton>> = subscriptions
        .iter()
        .rev()
        .take(PAGE)
        .map(|s| {
            let label = t_args(language, "mng-cust-sub", &[("id", &s.id.to_string()), ("status", s.status.as_str())]);
            vec![op(label, menu, AdminArea::Subscriptions, 'v', s.id.get() as u64, 0)]
        })
        .collect();
    let raw = customer.id.get() as u64;
    let ban = if customer.banned {
        op(t(language, "mng-cust-unban"), menu, AREA, 'b', raw, 0)
    } else {
        op(t(language, "mng-cust-ban"), menu, AREA, 'b', raw, 1)
    };
    rows.push(vec![op(t(language, "mng-cust-adjust"), menu, AREA, 'w', raw, 0), ban]);
    rows.push(vec![area_home(language, menu, AREA)]);
    Ok(Some(screen(text, rows)))
}

async fn amount_question(
    ctx: &mut UpdateContext,
    language: Language,
    customer: &Customer,
) -> Result<String, HandlerError> {
    let balance = balance(ctx, customer.id).await?;
    Ok(t_args(language, "mng-cust-amount-ask", &[("who", &who(customer)), ("balance", &price(language, balance))]))
}

async fn amount(
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    raw: i64,
    key: String,
    text: &str,
    language: Language,
    menu: u64,
) -> Result<Option<Screen>, HandlerError> {
    let id = CustomerId::from_raw(raw);
    let Some(customer) = ctx.tx.customer(id).await? else { return Ok(None) };
    let question = amount_question(ctx, language, &customer).await?;
    let balance = balance(ctx, id).await?.minor();
    let amount = match parse_int(text) {
        None | Some(0) => Err(t(language, "mng-cust-amount-bad")),
        Some(n) if n.unsigned_abs() > MAX_ADJUSTMENT as u64 => Err(t(language, "mng-cust-amount-bad")),
        Some(n) if balance.saturating_add(n) < 0 => Err(t(language, "mng-cust-amount-over")),
        Some(n) => Ok(n),
    };
    match amount {
        Err(why) => {
            state.admin_flow(AdminFlow::Customers(CustomerFlow::Amount { customer: raw, key }));
            Ok(Some(reask(language, menu, AREA, &why, &question)))
        }
        Ok(amount) => {
            state.admin_flow(AdminFlow::Customers(CustomerFlow::Reason { customer: raw, key, amount }));
            Ok(Some(ask(language, menu, AREA, t(language, "mng-cust-reason-ask"))))
        }
    }
}

async fn reason(
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    adjustment: Adjustment,
    text: &str,
    language: Language,
    menu: u64,
) -> Result<Option<Screen>, HandlerError> {
    let id = CustomerId::from_raw(adjustment.customer);
    let amount = adjustment.amount;
    let key = adjustment.key.clone();
    if admin_ops::check_reason(text).is_err() {
        let Adjustment { customer, key, amount } = adjustment;
        state.admin_flow(AdminFlow::Customers(CustomerFlow::Reason { customer, key, amount }));
        let why = t(language, "mng-cust-reason-bad");
        return Ok(Some(reask(language, menu, AREA, &why, &t(language, "mng-cust-reason-ask"))));
    }
    // A debit the wallet no longer covers is refused before anything is written:
    // the store's refusal would leave this update's transaction unusable.
    // The ledger's key is `adjust:bot:{admin}:{key}`, its reference `bot:{admin}: {reason}`.
    let actor = format!("bot:{}", ctx.customer.telegram_id.get());
    let balance = balance(ctx, id).await?;
    let posted_before = ctx.tx.ledger_key_exists(&admin_ops::adjustment_key(&actor, Some(&key))).await?;
    if !posted_before && balance.minor().saturating_add(amount) < 0 {
        return Ok(Some(done(ctx, language, menu, id, t(language, "mng-cust-amount-over")).await?));
    }
    let amount = Money::new(amount, balance.currency());
    let outcome = admin_ops::adjust_wallet(&mut ctx.tx, id, amount, text, &actor, Some(&key)).await?;
    let line = match outcome {
        AdjustOutcome::Posted { entry, balance } => {
            notify_customer(ctx, id, entry.amount).await?;
            t_args(
                language,
                "mng-cust-adjusted",
                &[("amount", &price(language, entry.amount)), ("balance", &price(language, balance))],
            )
        }
        AdjustOutcome::Duplicate { .. } | AdjustOutcome::KeyReused => t(language, "mng-cust-adjusted-before"),
        AdjustOutcome::NoSuchCustomer => gone(language),
    };
    Ok(Some(done(ctx, language, menu, id, line).await?))
}

/// Tells the customer their wallet changed, in their language.
async fn notify_customer(ctx: &mut UpdateContext, id: CustomerId, amount: Money) -> Result<(), HandlerError> {
    let Some(customer) = ctx.tx.customer(id).await? else { return Ok(()) };
    if customer.blocked_at.is_some() {
        return Ok(());
    }
    let their = crate::context::language_of(customer.language, &ctx.settings);
    let text = t_args(their, "mng-cust-wallet-changed", &[("amount", &price(their, amount))]);
    ctx.send(bazar_runtime::Outgoing::call(SendMessage::new(customer.telegram_id.get(), text)));
    Ok(())
}

/// The customer's view again, with a line on top.
async fn done(
    ctx: &mut UpdateContext,
    language: Language,
    menu: u64,
    id: CustomerId,
    line: String,
) -> Result<Screen, HandlerError> {
    Ok(match view(ctx, language, menu, id).await? {
        Some(mut screen) => {
            screen.text = format!("{line}\n\n{}", screen.text);
            screen
        }
        None => screen(line, vec![vec![area_home(language, menu, AREA)]]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_op_letter_is_handled() {
        crate::admin::manage::assert_op_letters(OPS, |c| Op::of(c).is_some());
    }
}
