//! The customer bot: `/start`, the main menu, languages, and the storefront.

use crate::callback::{self, Action, Decoded};
use crate::clock::now_ms;
use crate::context::{CustomerBot, language_of};
use crate::i18n::{t, t_args};
use crate::menu::{Screen, language_menu, main_menu};
use crate::route::Route;
use crate::shop_screens;
use crate::state::{Awaiting, ChatState};
use bazar_domain::{
    ConfigKey, ConfigValue, FeatureFlag, Language, Money, PlanId, PromoBenefit, SubscriptionId, normalize_promo_code,
};
use bazar_runtime::{BotHandle, FailedUpdate, Handler, HandlerError, Outgoing, UpdateContext};
use bazar_shop::payments::referral_percent;
use bazar_shop::payments::zarinpal::ZarinpalGateway;
use bazar_shop::promo::PromoApplied;
use bazar_shop::{BuyOutcome, Purchase, RenewOutcome, TrialOutcome};
use bazar_store::{Job, PromoRefusal};
use bazar_telegram::requests::{AnswerCallbackQuery, EditMessageText, InlineKeyboard, SendMessage};
use futures::future::BoxFuture;
use std::sync::Arc;

impl Handler for CustomerBot {
    fn handle<'a>(&'a self, ctx: &'a mut UpdateContext) -> BoxFuture<'a, Result<(), HandlerError>> {
        Box::pin(handle(self, ctx))
    }

    fn failed<'a>(&'a self, failed: FailedUpdate<'a>) -> BoxFuture<'a, Result<Vec<Outgoing>, HandlerError>> {
        Box::pin(crate::failed::failed(failed))
    }

    fn run_job<'a>(&'a self, bot: &'a Arc<BotHandle>, job: &'a Job) -> BoxFuture<'a, Vec<Outgoing>> {
        Box::pin(crate::jobs::run(&self.provisioner, &self.zarinpal, bot, job))
    }

    fn give_up<'a>(&'a self, bot: &'a Arc<BotHandle>, job: &'a Job) -> BoxFuture<'a, Vec<Outgoing>> {
        Box::pin(crate::give_up::give_up(&self.provisioner, bot, job))
    }

    fn broadcast_text(&self, progress: &bazar_runtime::BroadcastProgress, kind: bazar_runtime::TextKind) -> String {
        crate::admin::broadcast::text(progress, kind)
    }

    fn unavailable_text(&self, shop: &str, language_code: Option<&str>) -> String {
        let language = language_code.and_then(Language::from_telegram_code).unwrap_or(Language::Fa);
        t_args(language, "mst-unavailable", &[("shop", shop)])
    }
}

async fn handle(bot: &CustomerBot, ctx: &mut UpdateContext) -> Result<(), HandlerError> {
    let mut state = ChatState::parse(ctx.state());
    let language = language_of(ctx.customer.language, &ctx.settings);
    match Route::of(&ctx.update) {
        Route::Start { payload } => {
            state.clear_awaiting();
            if let Some(code) = payload.as_deref().and_then(|p| p.strip_prefix("ref_"))
                && ctx.is_new_customer
                && ctx.settings.flag(FeatureFlag::Referral)
            {
                ctx.tx.link_referrer(ctx.customer.id, code).await?;
            }
            let name = ctx.customer.first_name.clone().unwrap_or_default();
            let key = if ctx.is_new_customer { "welcome" } else { "welcome-back" };
            let intro = t_args(language, key, &[("shop", &ctx.bot.record.name), ("name", &name)]);
            send_new_menu(ctx, &mut state, language, Some(intro));
        }
        Route::Command(command) if command == "/admin" && crate::admin::is_admin(ctx).await? => {
            state.clear_awaiting();
            state.menu += 1;
            let screen = crate::admin::home(ctx, language, state.menu).await?;
            send_screen(ctx, screen);
        }
        Route::Command(command) if command == "/language" => {
            state.clear_awaiting();
            state.menu += 1;
            let screen = language_menu(language, state.menu);
            send_screen(ctx, screen);
        }
        Route::PreCheckout { query_id, payload, currency, total } => {
            crate::payments::pre_checkout(ctx, &query_id, &payload, &currency, total, language).await?;
        }
        Route::Paid { payload, charge_id, .. } => {
            if let Some(line) = crate::payments::stars_paid(ctx, &payload, &charge_id, language).await? {
                send_new_menu(ctx, &mut state, language, Some(line));
            }
        }
        Route::Text(text) => text_input(bot, ctx, &mut state, &text, language).await?,
        Route::Photo { file_id, caption } => match state.take_awaiting() {
            Awaiting::AdminFlow(flow) => {
                let input = crate::admin::Input::Photo { file_id: &file_id, caption: caption.as_deref() };
                admin_input(bot, ctx, &mut state, flow, input, language).await?;
            }
            // A photo is a receipt whatever the chat waited for (the open
            // card payment decides); anything else it waited for ends here.
            _ => match crate::payments::receipt(ctx, Some(&file_id), caption.as_deref(), language).await? {
                Some(line) => send_new_menu(ctx, &mut state, language, Some(line)),
                None => send_new_menu(ctx, &mut state, language, Some(t(language, "unknown-input"))),
            },
        },
        Route::Command(_) | Route::Other => {
            state.clear_awaiting();
            send_new_menu(ctx, &mut state, language, Some(t(language, "unknown-input")));
        }
        Route::Button { query_id, message_id, data } => match callback::decode(&data, state.menu) {
            Decoded::Expired => {
                state.clear_awaiting();
                answer(ctx, &query_id, Some(t(language, "menu-expired")));
                send_new_menu(ctx, &mut state, language, None);
            }
            Decoded::Current(action) => {
                let (screen, toast) = press(bot, ctx, action, language, &mut state, message_id).await?;
                answer(ctx, &query_id, toast);
                match (screen, message_id) {
                    (Some(screen), Some(message_id)) => edit_screen(ctx, message_id, screen),
                    (Some(screen), None) => send_screen(ctx, screen),
                    (None, _) => {}
                }
            }
        },
    }
    ctx.set_state(Some(state.to_json()));
    Ok(())
}

/// The next text or photo of an admin's guided flow: the area's answer as a
/// new message, or the main menu when the flow no longer applies.
/// A text message: whatever the chat waited for gets it (taken out of the
/// state — a handler that asks again puts its expectation back).
async fn text_input(
    bot: &CustomerBot,
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    text: &str,
    language: Language,
) -> Result<(), HandlerError> {
    let chat = ctx.chat.0;
    match state.take_awaiting() {
        Awaiting::RejectionReason(payment) => {
            let reply = crate::payments::rejection_reason(ctx, payment, text, language).await?;
            ctx.send(Outgoing::call(SendMessage::new(chat, reply)));
        }
        Awaiting::AdminFlow(flow) => {
            admin_input(bot, ctx, state, flow, crate::admin::Input::Text(text), language).await?;
        }
        Awaiting::TopUpAmount(method) => {
            let line = crate::payments::amount_entered(&bot.zarinpal, ctx, state, method, text, language).await?;
            if let Some(line) = line {
                send_new_menu(ctx, state, language, Some(line));
            }
        }
        Awaiting::Receipt => match crate::payments::receipt(ctx, None, Some(text), language).await? {
            Some(line) => send_new_menu(ctx, state, language, Some(line)),
            None => send_new_menu(ctx, state, language, Some(t(language, "unknown-input"))),
        },
        Awaiting::TicketAnswer(ticket) => {
            let reply = crate::support::admin_answers(ctx, state, ticket, text, language).await?;
            ctx.send(Outgoing::call(SendMessage::new(chat, reply)));
        }
        Awaiting::SupportMessage => {
            let reply = crate::support::customer_writes(ctx, text, language).await?;
            send_new_menu(ctx, state, language, Some(reply));
        }
        Awaiting::PromoCode => {
            let reply = enter_promo(ctx, state, text, language).await?;
            send_new_menu(ctx, state, language, Some(reply));
        }
        Awaiting::Nothing => send_new_menu(ctx, state, language, Some(t(language, "unknown-input"))),
    }
    Ok(())
}

async fn admin_input(
    bot: &CustomerBot,
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    flow: crate::flow::AdminFlow,
    input: crate::admin::Input<'_>,
    language: Language,
) -> Result<(), HandlerError> {
    state.menu += 1;
    match crate::admin::input(bot, ctx, state, flow, input, language, state.menu).await? {
        Some(screen) => send_screen(ctx, screen),
        None => send_new_menu(ctx, state, language, Some(t(language, "unknown-input"))),
    }
    Ok(())
}

/// A current button: the screen to show in place, and a toast.
async fn press(
    bot: &CustomerBot,
    ctx: &mut UpdateContext,
    action: Action,
    language: Language,
    state: &mut ChatState,
    message_id: Option<i32>,
) -> Result<(Option<Screen>, Option<String>), HandlerError> {
    let provisioner = &bot.provisioner;
    let menu = state.menu;
    // Any button leaves whatever text the chat was waiting for; the action
    // pressed sets a new expectation if it has one.
    state.clear_awaiting();
    Ok(match action {
        Action::PaymentApprove(_) | Action::PaymentReject(_) => {
            let toast = crate::payments::admin_button(ctx, state, action, message_id, language).await?;
            (None, Some(toast).filter(|t| !t.is_empty()))
        }
        Action::AdminHome | Action::AdminReceipts if !crate::admin::is_admin(ctx).await? => {
            (Some(home(ctx, language, menu)), Some(t(language, "admins-only")))
        }
        Action::AdminHome => (Some(crate::admin::home(ctx, language, menu).await?), None),
        Action::Admin(area, op) => {
            let shown = crate::admin::press(bot, ctx, state, area, op, language, menu).await?;
            (shown.screen, shown.toast)
        }
        Action::AdminReceipts => (None, Some(crate::admin::receipts(ctx, language).await?)),
        Action::OnboardingApprove(id) | Action::OnboardingReject(id) => {
            // The master area's own decision, behind its access check (platform admins only).
            let decide = if matches!(action, Action::OnboardingApprove(_)) { 'y' } else { 'n' };
            let op = crate::callback::AdminOp::with(decide, id as u64, 0);
            let area = crate::callback::AdminArea::Master;
            let shown = crate::admin::press(bot, ctx, state, area, op, language, menu).await?;
            (shown.screen, shown.toast)
        }
        Action::TopUp => {
            let shown = crate::payments::top_up_menu(&bot.zarinpal, ctx, language, menu).await?;
            (shown.screen, shown.toast)
        }
        Action::TopUpWith(method) => {
            let shown = crate::payments::ask_amount(&bot.zarinpal, ctx, state, method, language, menu).await?;
            (shown.screen, shown.toast)
        }
        Action::PayDifference(method, plan) => {
            match crate::payments::pay_difference(&bot.zarinpal, ctx, state, method, plan, language).await? {
                Some(line) => (None, Some(line)),
                None => (None, None),
            }
        }
        Action::CancelPayment => {
            let line = crate::payments::cancel(ctx, state, language).await?;
            (Some(home(ctx, language, menu)), Some(line))
        }
        Action::TicketReply(_) | Action::TicketClose(_) => {
            let toast = crate::support::admin_button(ctx, state, action, language).await?;
            (None, Some(toast).filter(|t| !t.is_empty()))
        }
        Action::Support => {
            state.expect(Awaiting::SupportMessage);
            let keyboard =
                InlineKeyboard::new(vec![vec![crate::menu::button(t(language, "btn-back"), menu, Action::Home)]]);
            (Some(Screen { text: t(language, "ticket-ask"), keyboard }), None)
        }
        Action::Promo => {
            state.expect(Awaiting::PromoCode);
            let keyboard =
                InlineKeyboard::new(vec![vec![crate::menu::button(t(language, "btn-back"), menu, Action::Home)]]);
            (Some(Screen { text: t(language, "promo-ask"), keyboard }), None)
        }
        Action::Home => {
            state.clear_awaiting();
            (Some(home(ctx, language, menu)), None)
        }
        Action::LanguageMenu => (Some(language_menu(language, menu)), None),
        Action::SetLanguage(chosen) => {
            ctx.tx.set_customer_language(ctx.customer.id, chosen).await?;
            ctx.customer.language = Some(chosen);
            (Some(home(ctx, chosen, menu)), Some(t(chosen, "language-set")))
        }
        Action::Plans => {
            let plans = bazar_shop::plans::on_sale(&mut ctx.tx, ctx.settings.currency()).await?;
            (Some(shop_screens::plans(language, &plans, menu)), None)
        }
        Action::Plan(id) => plan_summary(&bot.zarinpal, ctx, id, language, state, menu).await?,
        Action::Pay(id) => {
            // The same button pressed twice carries the same key: one purchase.
            let key = format!("buy:{}:{}:{menu}:{id}", ctx.chat, message_id.unwrap_or(0));
            pay(ctx, id, &key, language, state).await?
        }
        Action::Renew(id) => {
            let key = format!("{}:{}:{menu}:{id}", ctx.chat, message_id.unwrap_or(0));
            renew(ctx, id, &key, language).await?
        }
        Action::Subscriptions => {
            let subs = ctx.tx.customer_subscriptions(ctx.customer.id).await?;
            let mut used = Vec::with_capacity(subs.len());
            for s in &subs {
                let active = s.status == bazar_store::SubscriptionStatus::Active;
                used.push(if active { provisioner.used_traffic(s).await } else { None });
            }
            let auto = ctx.settings.flag(FeatureFlag::AutoRenew).then_some(ctx.customer.auto_renew);
            (Some(shop_screens::subscriptions(language, &subs, &used, auto, now_ms(), menu)), None)
        }
        Action::ShowLink(id) => {
            let subscription =
                ctx.tx.subscription(id).await?.filter(|s| {
                    s.customer_id == ctx.customer.id && s.status == bazar_store::SubscriptionStatus::Active
                });
            match subscription {
                Some(subscription) => {
                    let chat = ctx.chat.0;
                    ctx.send(crate::jobs::link_and_qr(language, chat, &subscription));
                    (None, None)
                }
                None => (None, Some(t(language, "plan-gone"))),
            }
        }
        Action::AutoRenew => {
            if ctx.settings.flag(FeatureFlag::AutoRenew) {
                let on = !ctx.customer.auto_renew;
                ctx.tx.set_auto_renew(ctx.customer.id, on).await?;
                ctx.customer.auto_renew = on;
            }
            let subs = ctx.tx.customer_subscriptions(ctx.customer.id).await?;
            let used = vec![None; subs.len()];
            let auto = ctx.settings.flag(FeatureFlag::AutoRenew).then_some(ctx.customer.auto_renew);
            (Some(shop_screens::subscriptions(language, &subs, &used, auto, now_ms(), menu)), None)
        }
        Action::Wallet => {
            let entries = ctx.tx.ledger_entries(ctx.customer.id, 5).await?;
            let can = !crate::payments::offered(ctx, &bot.zarinpal).await?.is_empty();
            let customer = ctx.customer.id;
            let balance = ctx.tx.balance(customer, ctx.settings.currency()).await?;
            let screen = shop_screens::wallet(language, balance, &entries, can, menu);
            (Some(screen), None)
        }
        Action::Invite => {
            if !ctx.settings.flag(FeatureFlag::Referral) {
                return Ok((Some(home(ctx, language, menu)), None));
            }
            let code = ctx.tx.referral_code(ctx.customer.id).await?;
            let stats = ctx.tx.referral_stats(ctx.customer.id, ctx.settings.currency()).await?;
            let username = ctx.bot.record.username.clone().unwrap_or_default();
            let link = format!("https://t.me/{username}?start=ref_{code}");
            let text = t_args(
                language,
                "invite-text",
                &[
                    ("percent", &referral_percent(&ctx.settings).unwrap_or(0).to_string()),
                    ("link", &link),
                    ("count", &stats.referees.to_string()),
                    ("earned", &shop_screens::price(language, stats.earned)),
                ],
            );
            let keyboard =
                InlineKeyboard::new(vec![vec![crate::menu::button(t(language, "btn-back"), menu, Action::Home)]]);
            (Some(Screen { text, keyboard }), None)
        }
        Action::Trial => {
            if !ctx.settings.flag(FeatureFlag::Trial) {
                return Ok((Some(home(ctx, language, menu)), None));
            }
            let days = match ctx.settings.config(ConfigKey::TrialDays) {
                ConfigValue::Int(d) => *d as u32,
                _ => 1,
            };
            let traffic_mb = match ctx.settings.config(ConfigKey::TrialTrafficMb) {
                ConfigValue::Int(mb) => *mb as u64,
                _ => 1024,
            };
            let currency = ctx.settings.currency();
            let outcome = bazar_shop::start_trial(&mut ctx.tx, ctx.customer.id, days, traffic_mb, currency).await?;
            let key = match outcome {
                TrialOutcome::Started(_) => "trial-started",
                TrialOutcome::AlreadyUsed => "trial-used",
                TrialOutcome::NoPanel => "no-panel",
                TrialOutcome::PanelDown => "panel-down",
            };
            (None, Some(t(language, key)))
        }
    })
}

async fn plan_summary(
    zarinpal: &ZarinpalGateway,
    ctx: &mut UpdateContext,
    id: PlanId,
    language: Language,
    state: &mut ChatState,
    menu: u64,
) -> Result<(Option<Screen>, Option<String>), HandlerError> {
    let currency = ctx.settings.currency();
    let plan = ctx.tx.plan(id).await?.filter(|p| p.active && p.price.currency() == currency);
    let Some(plan) = plan else {
        return Ok((Some(home(ctx, language, menu)), Some(t(language, "plan-gone"))));
    };
    let balance = ctx.tx.balance(ctx.customer.id, currency).await?;
    // A pending code that no longer applies is dropped quietly from the summary.
    let mut promo = None;
    if let Some(code) = state.promo.clone() {
        match ctx.tx.check_promo(&code, ctx.customer.id).await? {
            Ok(p) => promo = Some((code, p.benefit)),
            Err(_) => state.promo = None,
        }
    }
    let promo_ref = promo.as_ref().map(|(c, b)| (c.as_str(), *b));
    let methods = crate::payments::offered(ctx, zarinpal).await?;
    let show_devices =
        ctx.tx.tenant_panel_info().await?.is_some_and(|p| bazar_panels::capabilities(&p.kind).device_limit);
    let screen = shop_screens::plan_summary(language, &plan, show_devices, balance, promo_ref, &methods, menu);
    Ok((Some(screen), None))
}

/// "Your wallet has X; this costs Y": why a purchase or a renewal from the wallet did not happen.
fn not_enough(language: Language, balance: Money, price: Money) -> String {
    let (balance, price) = (shop_screens::price(language, balance), shop_screens::price(language, price));
    t_args(language, "not-enough", &[("balance", &balance), ("price", &price)])
}

async fn renew(
    ctx: &mut UpdateContext,
    id: SubscriptionId,
    key: &str,
    language: Language,
) -> Result<(Option<Screen>, Option<String>), HandlerError> {
    let percent = referral_percent(&ctx.settings);
    let currency = ctx.settings.currency();
    Ok(match bazar_shop::renew(&mut ctx.tx, ctx.customer.id, id, key, percent, currency).await? {
        RenewOutcome::Renewed { price, .. } => {
            let price = shop_screens::price(language, price);
            let text = t_args(language, "renewing", &[("price", &price), ("id", &id.to_string())]);
            (Some(Screen { text, keyboard: InlineKeyboard::empty() }), None)
        }
        RenewOutcome::AlreadyRenewed => (None, Some(t(language, "already-bought"))),
        RenewOutcome::NotEnough { balance, price } => (None, Some(not_enough(language, balance, price))),
        RenewOutcome::NotRenewable => (None, Some(t(language, "plan-gone"))),
        RenewOutcome::PanelDown => (None, Some(t(language, "panel-down"))),
    })
}

async fn enter_promo(
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    text: &str,
    language: Language,
) -> Result<String, HandlerError> {
    let Ok(code) = normalize_promo_code(text) else {
        return Ok(t(language, "promo-unknown"));
    };
    Ok(match bazar_shop::promo::enter_code(&mut ctx.tx, ctx.customer.id, &code, ctx.settings.currency()).await? {
        PromoApplied::Credited { amount, balance } => t_args(
            language,
            "promo-credited",
            &[("amount", &shop_screens::price(language, amount)), ("balance", &shop_screens::price(language, balance))],
        ),
        PromoApplied::Pending(benefit) => {
            state.promo = Some(code);
            match benefit {
                PromoBenefit::PercentOff(p) => t_args(language, "promo-percent", &[("percent", &p.to_string())]),
                PromoBenefit::ExtraDays(d) => t_args(language, "promo-days", &[("days", &d.to_string())]),
                PromoBenefit::WalletBonus(_) => t(language, "promo-unknown"),
            }
        }
        PromoApplied::Refused(refusal) => t(language, refusal_key(refusal)),
    })
}

fn refusal_key(refusal: PromoRefusal) -> &'static str {
    match refusal {
        PromoRefusal::Unknown => "promo-unknown",
        PromoRefusal::NotValidNow => "promo-not-now",
        PromoRefusal::UsedUp => "promo-used-up",
        PromoRefusal::AlreadyUsed => "promo-already",
    }
}

async fn pay(
    ctx: &mut UpdateContext,
    plan: PlanId,
    key: &str,
    language: Language,
    state: &mut ChatState,
) -> Result<(Option<Screen>, Option<String>), HandlerError> {
    let menu = state.menu;
    let percent = referral_percent(&ctx.settings);
    let promo = state.promo.clone();
    let purchase =
        Purchase { key, currency: ctx.settings.currency(), referral_percent: percent, promo: promo.as_deref() };
    let outcome = bazar_shop::buy(&mut ctx.tx, ctx.customer.id, plan, &purchase).await?;
    Ok(match outcome {
        BuyOutcome::PromoRefused(refusal) => {
            state.promo = None;
            (Some(home(ctx, language, menu)), Some(t(language, refusal_key(refusal))))
        }
        BuyOutcome::Bought { subscription, referral, .. } => {
            state.promo = None;
            if let Some((referrer, reward)) = referral
                && let Some(referrer) = ctx.tx.customer(referrer).await?
            {
                let their_language = language_of(referrer.language, &ctx.settings);
                let amount = shop_screens::price(their_language, reward);
                let text = t_args(their_language, "referral-earned", &[("amount", &amount)]);
                ctx.send(Outgoing::call(SendMessage::new(referrer.telegram_id.get(), text)));
            }
            let price = shop_screens::price(language, subscription.price);
            let text = t_args(language, "bought", &[("price", &price)]);
            (Some(Screen { text, keyboard: InlineKeyboard::empty() }), None)
        }
        BuyOutcome::AlreadyBought(_) => (None, Some(t(language, "already-bought"))),
        BuyOutcome::NotEnough { balance, price } => (None, Some(not_enough(language, balance, price))),
        BuyOutcome::PlanUnavailable => (Some(home(ctx, language, menu)), Some(t(language, "plan-gone"))),
        BuyOutcome::NoPanel => (None, Some(t(language, "no-panel"))),
        BuyOutcome::PanelDown => (None, Some(t(language, "panel-down"))),
    })
}

fn home(ctx: &UpdateContext, language: Language, menu: u64) -> Screen {
    main_menu(language, &ctx.bot.record.name, &ctx.settings, menu, None)
}

/// Sends a new main-menu message; buttons of older menus become stale.
fn send_new_menu(ctx: &mut UpdateContext, state: &mut ChatState, language: Language, intro: Option<String>) {
    state.menu += 1;
    let screen = main_menu(language, &ctx.bot.record.name, &ctx.settings, state.menu, intro);
    send_screen(ctx, screen);
}

fn send_screen(ctx: &mut UpdateContext, screen: Screen) {
    let chat = ctx.chat.0;
    ctx.send(Outgoing::call(SendMessage::new(chat, screen.text).markup(screen.keyboard)));
}

fn edit_screen(ctx: &mut UpdateContext, message_id: i32, screen: Screen) {
    let chat = ctx.chat.0;
    let message_id = i64::from(message_id);
    let (text, reply_markup) = (screen.text, Some(screen.keyboard));
    ctx.send(Outgoing::call(EditMessageText { chat_id: chat, message_id, text, parse_mode: None, reply_markup }));
}

fn answer(ctx: &mut UpdateContext, query_id: &str, text: Option<String>) {
    ctx.send(Outgoing::call(AnswerCallbackQuery { callback_query_id: query_id.to_owned(), text, show_alert: false }));
}
