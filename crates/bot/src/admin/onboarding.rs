//! Master bot: self-service onboarding of a new reseller ("🤖 Open your own
//! shop", for anyone, when the master's `onboarding` flag is on).
//!
//! Platform plans are the master's `onboarding_plans` configuration
//! (`name=fee` pairs, fees in the master's currency): the simplest design that
//! needs no new tables for plans and is set with `bazar config set`. The
//! reseller picks a plan (`p`, id = its position), pastes a bot token (checked
//! like a platform admin's: message deleted, unique, `getMe`), which becomes a
//! *draft* request with the token sealed; then pays (`y`, id = request) from
//! their wallet in the master bot — ledger key `onboarding:{request}`, so a
//! double tap pays once. Without `onboarding_approval` the shop is created at
//! once (owner and admin = the reseller) and its API token shown once; with
//! it the request waits and the platform admins — with the Approve / Reject
//! buttons they are sent (not tied to a menu generation), or from the master
//! area — approve (shop created) or reject (fee refunded under
//! `onboarding-refund:{request}`, once); the request's status decides once.

use super::{HOME, Input, Shown};
use crate::admin::master::{Pasted, delete_pasted, read_pasted};
use crate::callback::{Action, AdminArea, AdminOp};
use crate::context::{CustomerBot, language_of};
use crate::flow::AdminFlow;
use crate::i18n::{t, t_args};
use crate::menu::{Screen, button};
use crate::shop_screens::price;
use crate::state::ChatState;
use bazar_domain::{ConfigKey, ConfigValue, FeatureFlag, Language, Money, OnboardingPlan, parse_onboarding_plans};
use bazar_runtime::{HandlerError, Outgoing, UpdateContext};
use bazar_store::{EntryKind, NewBot, NewOnboarding, OnboardingRequest, OnboardingStatus, PlatformScope, Posting};
use bazar_telegram::requests::{InlineButton, InlineKeyboard, SendMessage};

fn op(op: char, id: u64) -> Action {
    Action::Admin(AdminArea::Onboarding, AdminOp::with(op, id, 0))
}

fn keyboard(rows: Vec<Vec<InlineButton>>) -> InlineKeyboard {
    InlineKeyboard::new(rows)
}

/// The plans the master offers (none when unset or unreadable).
fn plans(ctx: &UpdateContext) -> Vec<OnboardingPlan> {
    match ctx.settings.config(ConfigKey::OnboardingPlans) {
        ConfigValue::Text(text) => parse_onboarding_plans(text).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// A platform plan's fee, in the master bot's currency.
fn fee(ctx: &UpdateContext, plan: &OnboardingPlan) -> Money {
    Money::new(plan.fee, ctx.settings.currency())
}

/// A button of this area.
pub(crate) async fn press(
    bot: &CustomerBot,
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    pressed: AdminOp,
    language: Language,
    menu: u64,
) -> Result<Shown, HandlerError> {
    if !ctx.settings.flag(FeatureFlag::Onboarding) {
        return Ok(Shown::toast(t(language, "mst-onb-off")));
    }
    match pressed.op {
        HOME => {
            let offered = plans(ctx);
            let balance = price(language, balance(ctx).await?);
            let text = if offered.is_empty() {
                t(language, "mst-onb-none")
            } else {
                t_args(language, "mst-onb-plans", &[("balance", &balance)])
            };
            let mut rows: Vec<Vec<InlineButton>> = offered
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let label =
                        t_args(language, "mst-onb-plan", &[("name", &p.name), ("fee", &price(language, fee(ctx, p)))]);
                    vec![button(label, menu, op('p', i as u64))]
                })
                .collect();
            rows.push(vec![button(t(language, "btn-back"), menu, Action::Home)]);
            Ok(Shown::screen(Screen { text, keyboard: keyboard(rows) }))
        }
        'p' => {
            let Some(plan) = plans(ctx).get(pressed.id as usize).cloned() else {
                return Ok(Shown::toast(t(language, "menu-expired")));
            };
            state.admin_flow(AdminFlow::Onboarding { plan: plan.name.clone() });
            let fee = price(language, fee(ctx, &plan));
            let text = t_args(language, "mst-onb-ask-token", &[("plan", &plan.name), ("fee", &fee)]);
            let rows = vec![vec![button(t(language, "btn-back"), menu, op(HOME, 0))]];
            Ok(Shown::screen(Screen { text, keyboard: keyboard(rows) }))
        }
        'y' => match bot.master_platform(ctx) {
            Some(platform) => pay(ctx, platform, pressed.id as i64, language, menu).await,
            None => Ok(Shown::toast(t(language, "menu-expired"))),
        },
        _ => Ok(Shown::toast(t(language, "menu-expired"))),
    }
}

/// The next text of the flow: the pasted token of the reseller's bot.
pub(crate) async fn input(
    bot: &CustomerBot,
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    name: String,
    input: Input<'_>,
    language: Language,
    menu: u64,
) -> Result<Option<Screen>, HandlerError> {
    let Input::Text(text) = input else { return Ok(None) };
    let plan = plans(ctx).into_iter().find(|p| p.name == name);
    let Some(plan) = plan.filter(|_| ctx.settings.flag(FeatureFlag::Onboarding)) else {
        // Switched off (or the plan withdrawn) meanwhile: still remove what may be a token.
        delete_pasted(ctx);
        return Ok(None);
    };
    let back = || keyboard(vec![vec![button(t(language, "btn-back"), menu, op(HOME, 0))]]);
    let refusal = match read_pasted(bot, ctx, text).await? {
        Pasted::Fresh { token, me } => {
            let waiting = ctx.store.onboarding().with_status(&mut ctx.tx, OnboardingStatus::Waiting, 1000).await?;
            if waiting.iter().any(|r| r.telegram_bot_id == token.telegram_bot_id()) {
                return Ok(Some(Screen { text: t(language, "mst-onb-pending"), keyboard: back() }));
            }
            let new = NewOnboarding {
                customer_id: ctx.customer.id,
                telegram_id: ctx.customer.telegram_id,
                plan: plan.name.clone(),
                fee: fee(ctx, &plan),
                token,
                bot_username: me.username.clone(),
            };
            let id = ctx.store.onboarding().create(&mut ctx.tx, &new).await?;
            let text = t_args(
                language,
                "mst-onb-confirm",
                &[
                    ("bot", me.username.as_deref().unwrap_or("?")),
                    ("plan", &plan.name),
                    ("fee", &price(language, fee(ctx, &plan))),
                    ("balance", &price(language, balance(ctx).await?)),
                ],
            );
            let rows = vec![
                vec![button(t(language, "mst-onb-btn-pay"), menu, op('y', id as u64))],
                vec![button(t(language, "mst-onb-btn-topup"), menu, Action::TopUp)],
                vec![button(t(language, "btn-back"), menu, op(HOME, 0))],
            ];
            return Ok(Some(Screen { text, keyboard: keyboard(rows) }));
        }
        other => other.refusal_key(),
    };
    // Still waiting for a token: the next message is another try.
    state.admin_flow(AdminFlow::Onboarding { plan: name });
    Ok(Some(Screen { text: t(language, refusal), keyboard: back() }))
}

/// Pays a draft request from the wallet; then opens the shop, or queues the
/// request for approval.
async fn pay(
    ctx: &mut UpdateContext,
    platform: &PlatformScope,
    id: i64,
    language: Language,
    menu: u64,
) -> Result<Shown, HandlerError> {
    let request = ctx.store.onboarding().get(&mut ctx.tx, id).await?;
    let Some(request) = request.filter(|r| r.customer_id == ctx.customer.id) else {
        return Ok(Shown::toast(t(language, "menu-expired")));
    };
    if request.status != OnboardingStatus::Draft {
        return Ok(Shown::toast(t(language, "mst-onb-done")));
    }
    let token = ctx.store.onboarding().token(&mut ctx.tx, id).await?;
    if ctx.store.platform(platform).bot_with_token(&token).await?.is_some() {
        return Ok(Shown::toast(t(language, "mst-token-taken")));
    }
    if request.fee.currency() != ctx.settings.currency() {
        // The master changed its currency since: the draft's fee no longer applies.
        return Ok(Shown::toast(t(language, "menu-expired")));
    }
    let balance = balance(ctx).await?;
    if balance.minor() < request.fee.minor() {
        let text = t_args(
            language,
            "mst-onb-not-enough",
            &[("balance", &price(language, balance)), ("fee", &price(language, request.fee))],
        );
        return Ok(Shown::toast(text));
    }
    if request.fee.is_positive()
        && !post(ctx, &request, -request.fee, EntryKind::Purchase, &format!("onboarding:{id}")).await?
    {
        return Ok(Shown::toast(t(language, "mst-onb-done")));
    }
    let back = keyboard(vec![vec![button(t(language, "btn-back"), menu, Action::Home)]]);
    if matches!(ctx.settings.config(ConfigKey::OnboardingApproval), ConfigValue::Bool(true)) {
        ctx.store
            .onboarding()
            .advance(&mut ctx.tx, id, OnboardingStatus::Draft, OnboardingStatus::Waiting, None)
            .await?;
        tell_platform_admins(ctx, &request).await?;
        let text = t_args(language, "mst-onb-waiting", &[("id", &id.to_string())]);
        return Ok(Shown::screen(Screen { text, keyboard: back }));
    }
    ctx.store.onboarding().advance(&mut ctx.tx, id, OnboardingStatus::Draft, OnboardingStatus::Created, None).await?;
    let text = open_shop(ctx, platform, &request, language).await?;
    Ok(Shown::screen(Screen { text, keyboard: back }))
}

/// Creates the shop of a paid request (owner and first admin: the applicant)
/// and returns the applicant's message, with the new API token, in `language`.
async fn open_shop(
    ctx: &mut UpdateContext,
    platform: &PlatformScope,
    request: &OnboardingRequest,
    language: Language,
) -> Result<String, HandlerError> {
    let token = ctx.store.onboarding().token(&mut ctx.tx, request.id).await?;
    let username = request.bot_username.clone();
    let new = NewBot {
        token,
        name: username.clone().unwrap_or_else(|| format!("shop {}", request.id)),
        username,
        is_master: false,
        admins: vec![request.telegram_id],
        owner: Some(request.telegram_id),
    };
    let (record, api_token) = ctx.store.platform(platform).add_bot_in(&mut ctx.tx, new).await?;
    ctx.store.onboarding().created(&mut ctx.tx, request.id, record.id).await?;
    Ok(t_args(
        language,
        "mst-onb-created",
        &[("bot", request.bot_username.as_deref().unwrap_or("?")), ("token", api_token.expose())],
    ))
}

/// A platform admin approves a waiting request: the shop is created and the
/// applicant told (with the API token). Returns the admin's toast.
pub(crate) async fn approve(
    ctx: &mut UpdateContext,
    platform: &PlatformScope,
    id: i64,
    language: Language,
) -> Result<String, HandlerError> {
    let Some(request) = ctx.store.onboarding().get(&mut ctx.tx, id).await? else {
        return Ok(t(language, "menu-expired"));
    };
    if request.status != OnboardingStatus::Waiting {
        return Ok(t(language, "mst-already-decided"));
    }
    let token = ctx.store.onboarding().token(&mut ctx.tx, id).await?;
    if ctx.store.platform(platform).bot_with_token(&token).await?.is_some() {
        return Ok(t(language, "mst-token-taken"));
    }
    let by = Some(ctx.customer.telegram_id);
    if !ctx
        .store
        .onboarding()
        .advance(&mut ctx.tx, id, OnboardingStatus::Waiting, OnboardingStatus::Created, by)
        .await?
    {
        return Ok(t(language, "mst-already-decided"));
    }
    let theirs = applicant_language(ctx, &request).await?;
    let text = open_shop(ctx, platform, &request, theirs).await?;
    ctx.send(Outgoing::call(SendMessage::new(request.telegram_id.get(), text)));
    let bot = ctx.store.onboarding().get(&mut ctx.tx, id).await?.and_then(|r| r.tenant_bot_id);
    Ok(t_args(language, "mst-approved", &[("bot", &bot.map(|b| b.to_string()).unwrap_or_default())]))
}

/// A platform admin rejects a waiting request: the fee goes back to the
/// applicant's wallet (once) and they are told. Returns the admin's toast.
pub(crate) async fn reject(ctx: &mut UpdateContext, id: i64, language: Language) -> Result<String, HandlerError> {
    let Some(request) = ctx.store.onboarding().get(&mut ctx.tx, id).await? else {
        return Ok(t(language, "menu-expired"));
    };
    let by = Some(ctx.customer.telegram_id);
    let moved = ctx
        .store
        .onboarding()
        .advance(&mut ctx.tx, id, OnboardingStatus::Waiting, OnboardingStatus::Rejected, by)
        .await?;
    if !moved {
        return Ok(t(language, "mst-already-decided"));
    }
    if request.fee.is_positive() {
        post(ctx, &request, request.fee, EntryKind::Refund, &format!("onboarding-refund:{id}")).await?;
    }
    let theirs = applicant_language(ctx, &request).await?;
    let text = t_args(theirs, "mst-onb-rejected", &[("id", &id.to_string()), ("fee", &price(theirs, request.fee))]);
    ctx.send(Outgoing::call(SendMessage::new(request.telegram_id.get(), text)));
    Ok(t(language, "mst-rejected"))
}

/// The applicant's language, as the master bot knows them.
async fn applicant_language(ctx: &mut UpdateContext, request: &OnboardingRequest) -> Result<Language, HandlerError> {
    let customer = ctx.tx.customer(request.customer_id).await?;
    Ok(language_of(customer.and_then(|c| c.language), &ctx.settings))
}

/// Tells every platform admin (the master's admins), in their language, that
/// a request waits, with Approve / Reject buttons that are not tied to a menu
/// generation (the request's status makes a stale or repeated one harmless).
async fn tell_platform_admins(ctx: &mut UpdateContext, request: &OnboardingRequest) -> Result<(), HandlerError> {
    for admin in ctx.tx.admin_ids().await? {
        let known = ctx.tx.customer_by_telegram_id(admin).await?;
        let language = language_of(known.and_then(|c| c.language), &ctx.settings);
        let text = t_args(
            language,
            "mst-new-request",
            &[
                ("id", &request.id.to_string()),
                ("plan", &request.plan),
                ("fee", &price(language, request.fee)),
                ("bot", request.bot_username.as_deref().unwrap_or("?")),
            ],
        );
        let id = request.id.to_string();
        let decide = vec![vec![
            button(t_args(language, "mst-btn-approve", &[("id", &id)]), 0, Action::OnboardingApprove(request.id)),
            button(t_args(language, "mst-btn-reject", &[("id", &id)]), 0, Action::OnboardingReject(request.id)),
        ]];
        ctx.send(Outgoing::call(SendMessage::new(admin.get(), text).markup(keyboard(decide))));
    }
    Ok(())
}

/// The sender's balance in the master's currency.
async fn balance(ctx: &mut UpdateContext) -> Result<Money, HandlerError> {
    Ok(ctx.tx.balance(ctx.customer.id, ctx.settings.currency()).await?)
}

/// Posts `amount` to the applicant's wallet once per `key`; false when the key was used already.
async fn post(
    ctx: &mut UpdateContext,
    request: &OnboardingRequest,
    amount: Money,
    kind: EntryKind,
    key: &str,
) -> Result<bool, HandlerError> {
    let reference = format!("onboarding request {}", request.id);
    let posted = ctx.tx.post(request.customer_id, amount, kind, key, Some(reference.as_str())).await?;
    Ok(matches!(posted, Posting::Applied { .. }))
}
