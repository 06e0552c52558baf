//! `/admin`: the tenant's admins' menu inside their own bot. Every step checks
//! `bot_admins` of this tenant; to anyone else `/admin` is an unknown command.
//! The home screen shows today's figures, the queue of card-to-card receipts
//! waiting for a decision (each with the same Approve / Reject buttons as when
//! it arrived), and one button per area. Each area is a module here with two
//! entry points — `press` (a button of the area) and `input` (the next text or
//! photo of a guided flow) — and this module checks, once for all of them,
//! that the sender may use the area at all (see [`allowed`]).
//!
//! Every area reaches data only through `ctx.tx`, the tenant transaction of
//! the bot the update arrived for: an id of another tenant is simply not found.

mod admins;
pub(crate) mod broadcast;
mod cards;
mod customers;
mod manage;
mod master;
mod onboarding;
mod panel;
mod plan_options;
mod plans;
mod promos;
mod settings;
mod stats;
mod subscriptions;
mod tickets;

use crate::callback::{Action, AdminArea, AdminOp};
use crate::context::CustomerBot;
use crate::flow::AdminFlow;
use crate::i18n::{t, t_args};
use crate::menu::{Screen, button};
use crate::payments::receipt_for_admins;
use crate::shop_screens::price;
use crate::state::ChatState;
use bazar_domain::{Language, calendar::tehran_day_start_ms};
use bazar_runtime::{HandlerError, UpdateContext};
use bazar_store::{PaymentFilter, PaymentMethod, PaymentStatus};
use bazar_telegram::requests::InlineKeyboard;

/// Most receipts sent by one press of the queue button.
const QUEUE_PAGE: i64 = 10;

/// The op letter every area uses for its own first screen.
pub(crate) const HOME: char = 'h';

/// What pressing an admin button produced.
#[derive(Default)]
pub(crate) struct Shown {
    /// The screen to show in place of the pressed message (or as a new one).
    pub screen: Option<Screen>,
    /// A short answer on the button press.
    pub toast: Option<String>,
}

impl Shown {
    /// Only a screen.
    pub fn screen(screen: Screen) -> Self {
        Self { screen: Some(screen), toast: None }
    }

    /// Only a toast.
    pub fn toast(toast: String) -> Self {
        Self { screen: None, toast: Some(toast) }
    }
}

/// The next message of an admin while a guided flow (`Awaiting::AdminFlow`) is open.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Input<'a> {
    /// A text message.
    Text(&'a str),
    /// A photo with its caption.
    Photo {
        /// Telegram's file id of the largest size.
        file_id: &'a str,
        /// The caption, if any.
        caption: Option<&'a str>,
    },
}

/// Whether the sender may use `area` in this bot: the master area only in the
/// master bot and only for its admins (the platform admins), onboarding only
/// in the master bot (for anyone), every other area only for this tenant's admins.
pub(crate) async fn allowed(ctx: &mut UpdateContext, area: AdminArea) -> Result<bool, HandlerError> {
    Ok(match area {
        AdminArea::Master => ctx.bot.record.is_master && is_admin(ctx).await?,
        AdminArea::Onboarding => ctx.bot.record.is_master,
        _ => is_admin(ctx).await?,
    })
}

/// A button of an admin area, after [`allowed`] said yes or no.
pub(crate) async fn press(
    bot: &CustomerBot,
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    area: AdminArea,
    op: AdminOp,
    language: Language,
    menu: u64,
) -> Result<Shown, HandlerError> {
    if !allowed(ctx, area).await? {
        return Ok(Shown::toast(t(language, "admins-only")));
    }
    // A button press ends any guided input that was waiting.
    state.clear_awaiting();
    match area {
        AdminArea::Customers => customers::press(bot, ctx, state, op, language, menu).await,
        AdminArea::Subscriptions => subscriptions::press(bot, ctx, state, op, language, menu).await,
        AdminArea::Plans => plans::press(bot, ctx, state, op, language, menu).await,
        AdminArea::Cards => cards::press(bot, ctx, state, op, language, menu).await,
        AdminArea::Settings => settings::press(bot, ctx, state, op, language, menu).await,
        AdminArea::Promos => promos::press(bot, ctx, state, op, language, menu).await,
        AdminArea::Tickets => tickets::press(bot, ctx, state, op, language, menu).await,
        AdminArea::Stats => stats::press(bot, ctx, state, op, language, menu).await,
        AdminArea::Broadcast => broadcast::press(bot, ctx, state, op, language, menu).await,
        AdminArea::Admins => admins::press(bot, ctx, state, op, language, menu).await,
        AdminArea::Panel => panel::press(ctx, state, op, language, menu).await,
        AdminArea::Master => master::press(bot, ctx, state, op, language, menu).await,
        AdminArea::Onboarding => onboarding::press(bot, ctx, state, op, language, menu).await,
    }
}

/// The next text or photo of an open guided flow (`Awaiting::AdminFlow`,
/// taken out of the state: an area that asks again puts it back). Returns the
/// screen to send as a new message (its buttons belong to generation `menu`),
/// or `None` when the flow no longer applies (the caller then treats the
/// message as it would without a flow).
pub(crate) async fn input(
    bot: &CustomerBot,
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    flow: AdminFlow,
    input: Input<'_>,
    language: Language,
    menu: u64,
) -> Result<Option<Screen>, HandlerError> {
    if !allowed(ctx, flow.area()).await? {
        return Ok(None);
    }
    match flow {
        AdminFlow::Customers(flow) => customers::input(ctx, state, flow, input, language, menu).await,
        AdminFlow::Subscriptions(flow) => subscriptions::input(ctx, state, flow, input, language, menu).await,
        AdminFlow::Plans(flow) => plans::input(ctx, state, flow, input, language, menu).await,
        AdminFlow::Cards(flow) => cards::input(ctx, state, flow, input, language, menu).await,
        AdminFlow::Settings { key } => settings::input(ctx, state, key, input, language, menu).await,
        AdminFlow::Promos(flow) => promos::input(ctx, state, flow, input, language, menu).await,
        AdminFlow::Broadcast(flow) => broadcast::input(ctx, state, flow, input, language, menu).await,
        AdminFlow::Admins(flow) => admins::input(ctx, state, flow, input, language, menu).await,
        AdminFlow::Panel(flow) => panel::input(ctx, state, flow, input, language, menu).await,
        AdminFlow::Master(flow) => master::input(bot, ctx, state, flow, input, language, menu).await,
        AdminFlow::Onboarding { plan } => onboarding::input(bot, ctx, state, plan, input, language, menu).await,
    }
}

/// Whether the sender administers this tenant.
pub(crate) async fn is_admin(ctx: &mut UpdateContext) -> Result<bool, HandlerError> {
    let sender = ctx.customer.telegram_id;
    Ok(ctx.tx.is_admin(sender).await?)
}

/// The admin menu: today's figures and the receipts queue.
pub(crate) async fn home(ctx: &mut UpdateContext, language: Language, menu: u64) -> Result<Screen, HandlerError> {
    let today = tehran_day_start_ms(now_ms());
    let stats = ctx.tx.stats(today, ctx.settings.currency()).await?;
    let revenue: i64 = stats.revenue_by_method.iter().map(|m| m.amount).sum();
    let pending = pending_receipts(ctx, 500).await?.len();
    let text = t_args(
        language,
        "admin-title",
        &[
            ("customers", &stats.customers_total.to_string()),
            ("new", &stats.new_customers.iter().map(|d| d.count).sum::<i64>().to_string()),
            ("active", &stats.active_subscriptions.to_string()),
            ("revenue", &price(language, stats.money(revenue))),
            ("pending", &pending.to_string()),
        ],
    );
    let area = |area: AdminArea, key: &str| button(t(language, key), menu, Action::Admin(area, AdminOp::new(HOME)));
    let mut rows = vec![
        vec![button(
            t_args(language, "btn-admin-receipts", &[("count", &pending.to_string())]),
            menu,
            Action::AdminReceipts,
        )],
        vec![area(AdminArea::Customers, "btn-adm-customers"), area(AdminArea::Subscriptions, "btn-adm-subscriptions")],
        vec![area(AdminArea::Plans, "btn-adm-plans"), area(AdminArea::Cards, "btn-adm-cards")],
        vec![area(AdminArea::Promos, "btn-adm-promos"), area(AdminArea::Tickets, "btn-adm-tickets")],
        vec![area(AdminArea::Stats, "btn-adm-stats"), area(AdminArea::Broadcast, "btn-adm-broadcast")],
        vec![area(AdminArea::Settings, "btn-adm-settings"), area(AdminArea::Admins, "btn-adm-admins")],
        vec![area(AdminArea::Panel, "btn-adm-panel")],
    ];
    if ctx.bot.record.is_master {
        rows.push(vec![area(AdminArea::Master, "btn-adm-master")]);
    }
    rows.push(vec![button(t(language, "btn-back"), menu, Action::Home)]);
    Ok(Screen { text, keyboard: InlineKeyboard::new(rows) })
}

async fn pending_receipts(ctx: &mut UpdateContext, limit: i64) -> Result<Vec<bazar_store::Payment>, HandlerError> {
    let filter =
        PaymentFilter { status: Some(PaymentStatus::Submitted), method: Some(PaymentMethod::Card), customer: None };
    let mut waiting = ctx.tx.payments(&filter, limit, 0).await?;
    // Oldest first: the customer who has waited longest is decided first.
    waiting.reverse();
    Ok(waiting)
}

/// Sends the oldest receipts waiting for a decision to the admin's chat; returns the toast.
pub(crate) async fn receipts(ctx: &mut UpdateContext, language: Language) -> Result<String, HandlerError> {
    let waiting = pending_receipts(ctx, 500).await?;
    if waiting.is_empty() {
        return Ok(t(language, "admin-no-receipts"));
    }
    let chat = ctx.chat.0;
    let shown = waiting.iter().take(QUEUE_PAGE as usize).count();
    for payment in waiting.iter().take(QUEUE_PAGE as usize) {
        let Some(customer) = ctx.tx.customer(payment.customer_id).await? else { continue };
        let message = receipt_for_admins(&mut ctx.tx, chat, language, payment, &customer).await?;
        ctx.send(message);
    }
    Ok(t_args(language, "admin-receipts-sent", &[("shown", &shown.to_string()), ("total", &waiting.len().to_string())]))
}

fn now_ms() -> i64 {
    crate::clock::now_ms()
}
