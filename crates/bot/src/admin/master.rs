//! Admin area of the master bot: the platform admins manage tenants from
//! Telegram. [`super::allowed`] lets only the master bot's own admins in; every
//! screen here then works with the platform access the bot was handed at
//! start-up, which [`CustomerBot::master_platform`] gives out only for the
//! master bot's updates: reads through `Platform` (they see every tenant),
//! writes through the `*_in` methods of `Platform`, which run inside this
//! update's transaction (and refuse any but the master's) so a change commits
//! with the update that asked for it.
//!
//! Ops: `h` home (platform figures), `l` tenants (id = page), `v` one tenant,
//! `s`/`r` suspend/resume, `f` features, `t` toggle a feature (arg = its
//! `FeatureFlag::code`, never its place in `ALL`),
//! `a` add a tenant by token, `b` message tenant owners, `q` shop requests,
//! `y`/`n` approve/reject a request (see [`super::onboarding`]).

mod token;

pub(crate) use token::{Pasted, delete_pasted, read_pasted};

use super::{HOME, Input, Shown};
use crate::callback::{Action, AdminArea, AdminOp};
use crate::context::CustomerBot;
use crate::flow::{AdminFlow, MasterFlow};
use crate::i18n::{t, t_args};
use crate::menu::{Screen, button};
use crate::shop_screens::price;
use crate::state::ChatState;
use bazar_domain::{BotId, BotStatus, FeatureFlag, Language};
use bazar_runtime::{HandlerError, Outgoing, UpdateContext};
use bazar_store::{BotRecord, NewBot, OnboardingStatus, PlatformScope, RevenueTotal, StoreError};
use bazar_telegram::requests::{InlineButton, InlineKeyboard, SendMessage};

/// Tenants per page of the list.
const PAGE: i64 = 8;

/// Most requests listed at once.
const REQUESTS_SHOWN: i64 = 10;

fn op(op: char, id: u64, arg: u64) -> Action {
    Action::Admin(AdminArea::Master, AdminOp::with(op, id, arg))
}

fn keyboard(rows: Vec<Vec<InlineButton>>) -> InlineKeyboard {
    InlineKeyboard::new(rows)
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
    let Some(platform) = bot.master_platform(ctx) else { return Ok(Shown::toast(t(language, "admins-only"))) };
    let id = BotId::from_raw(pressed.id as i64);
    match pressed.op {
        HOME => Ok(Shown::screen(home(ctx, platform, language, menu).await?)),
        'l' => Ok(Shown::screen(tenants(ctx, platform, pressed.id as i64, language, menu).await?)),
        'v' => tenant(ctx, platform, id, language, menu).await,
        's' | 'r' => {
            let status = if pressed.op == 's' { BotStatus::Suspended } else { BotStatus::Active };
            match ctx.store.platform(platform).set_status_in(&mut ctx.tx, id, status).await {
                Ok(_) => {
                    let mut shown = tenant(ctx, platform, id, language, menu).await?;
                    let key = if status == BotStatus::Suspended { "mst-suspended" } else { "mst-resumed" };
                    shown.toast = Some(t(language, key));
                    Ok(shown)
                }
                Err(StoreError::UnknownBot(_)) => Ok(Shown::toast(t(language, "mst-master-fixed"))),
                Err(e) => Err(e.into()),
            }
        }
        'f' => features(ctx, platform, id, language, menu).await,
        't' => {
            let flag = u16::try_from(pressed.arg).ok().and_then(FeatureFlag::from_code);
            let Some(flag) = flag else { return Ok(Shown::toast(t(language, "menu-expired"))) };
            // A platform-only flag (onboarding) means something only on the master bot.
            if flag.platform_only() && !record(ctx, platform, id).await?.is_some_and(|b| b.is_master) {
                return Ok(Shown::toast(t(language, "menu-expired")));
            }
            let now = ctx.store.platform(platform).flags_in(&mut ctx.tx, id).await;
            let enabled = match now {
                Ok(flags) => flags.iter().any(|(f, on)| *f == flag && *on),
                Err(StoreError::UnknownBot(_)) => return Ok(Shown::toast(t(language, "mst-unknown-tenant"))),
                Err(e) => return Err(e.into()),
            };
            ctx.store.platform(platform).set_flag_in(&mut ctx.tx, id, flag, !enabled).await?;
            features(ctx, platform, id, language, menu).await
        }
        'a' => {
            state.admin_flow(AdminFlow::Master(MasterFlow::Token));
            let rows = vec![vec![button(t(language, "btn-back"), menu, op(HOME, 0, 0))]];
            Ok(Shown::screen(Screen { text: t(language, "mst-ask-token"), keyboard: keyboard(rows) }))
        }
        'b' => {
            let owners = ctx.store.platform(platform).tenant_owners().await?;
            state.admin_flow(AdminFlow::Master(MasterFlow::Broadcast));
            let text = t_args(language, "mst-ask-broadcast", &[("count", &owners.len().to_string())]);
            let rows = vec![vec![button(t(language, "btn-back"), menu, op(HOME, 0, 0))]];
            Ok(Shown::screen(Screen { text, keyboard: keyboard(rows) }))
        }
        'q' => Ok(Shown::screen(requests(ctx, language, menu).await?)),
        'y' | 'n' => {
            let request = pressed.id as i64;
            let toast = if pressed.op == 'y' {
                super::onboarding::approve(ctx, platform, request, language).await?
            } else {
                super::onboarding::reject(ctx, request, language).await?
            };
            Ok(Shown { screen: Some(requests(ctx, language, menu).await?), toast: Some(toast) })
        }
        _ => Ok(Shown::toast(t(language, "menu-expired"))),
    }
}

/// The next text of this area's guided flow: a pasted token, or the owners' message.
pub(crate) async fn input(
    bot: &CustomerBot,
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    flow: MasterFlow,
    input: Input<'_>,
    language: Language,
    menu: u64,
) -> Result<Option<Screen>, HandlerError> {
    let Input::Text(text) = input else { return Ok(None) };
    let Some(platform) = bot.master_platform(ctx) else { return Ok(None) };
    let back = || keyboard(vec![vec![button(t(language, "btn-back"), menu, op(HOME, 0, 0))]]);
    match flow {
        MasterFlow::Token => {
            let refusal = match read_pasted(bot, ctx, text).await? {
                Pasted::Fresh { token, me } => {
                    let new = NewBot {
                        token,
                        name: me.first_name.clone(),
                        username: me.username.clone(),
                        is_master: false,
                        admins: Vec::new(),
                        owner: None,
                    };
                    let (record, api_token) = ctx.store.platform(platform).add_bot_in(&mut ctx.tx, new).await?;
                    let text = t_args(
                        language,
                        "mst-added",
                        &[("id", &record.id.to_string()), ("name", &record.name), ("token", api_token.expose())],
                    );
                    let rows = vec![vec![button(t(language, "btn-back"), menu, op('v', record.id.get() as u64, 0))]];
                    return Ok(Some(Screen { text, keyboard: keyboard(rows) }));
                }
                other => other.refusal_key(),
            };
            // Still waiting for a token: the next message is another try.
            state.admin_flow(AdminFlow::Master(flow));
            Ok(Some(Screen { text: t(language, refusal), keyboard: back() }))
        }
        MasterFlow::Broadcast => {
            let owners = ctx.store.platform(platform).tenant_owners().await?;
            for owner in &owners {
                ctx.send(Outgoing::call(SendMessage::new(*owner, text)));
            }
            let text = t_args(language, "mst-broadcast-sent", &[("count", &owners.len().to_string())]);
            Ok(Some(Screen { text, keyboard: back() }))
        }
    }
}

/// The area's first screen: the platform at a glance.
async fn home(
    ctx: &mut UpdateContext,
    platform: &PlatformScope,
    language: Language,
    menu: u64,
) -> Result<Screen, HandlerError> {
    let stats = ctx.store.platform(platform).stats().await?;
    let waiting = ctx.store.onboarding().with_status(&mut ctx.tx, OnboardingStatus::Waiting, 500).await?.len();
    let text = t_args(
        language,
        "mst-home",
        &[
            ("active", &stats.bots.active.to_string()),
            ("suspended", &stats.bots.suspended.to_string()),
            ("disabled", &stats.bots.disabled.to_string()),
            ("customers", &stats.customers.to_string()),
            ("subs", &stats.active_subscriptions.to_string()),
            ("revenue", &revenue(language, &stats.revenue)),
        ],
    );
    let rows = vec![
        vec![button(t(language, "mst-btn-tenants"), menu, op('l', 0, 0))],
        vec![button(t(language, "mst-btn-add"), menu, op('a', 0, 0))],
        vec![button(t_args(language, "mst-btn-requests", &[("count", &waiting.to_string())]), menu, op('q', 0, 0))],
        vec![button(t(language, "mst-btn-broadcast"), menu, op('b', 0, 0))],
        vec![button(t(language, "btn-back"), menu, Action::AdminHome)],
    ];
    Ok(Screen { text, keyboard: keyboard(rows) })
}

/// Revenue per currency, e.g. `1,500,000 IRT · 20,000 IRR`.
fn revenue(language: Language, totals: &[RevenueTotal]) -> String {
    if totals.is_empty() {
        return t(language, "mst-none");
    }
    totals.iter().map(|r| price(language, r.amount)).collect::<Vec<_>>().join(" · ")
}

fn icon(status: BotStatus) -> &'static str {
    match status {
        BotStatus::Active => "🟢",
        BotStatus::Suspended => "⏸",
        BotStatus::Disabled => "⚫",
    }
}

/// One page of tenants: a button per tenant, with its status and customers.
async fn tenants(
    ctx: &mut UpdateContext,
    platform: &PlatformScope,
    page: i64,
    language: Language,
    menu: u64,
) -> Result<Screen, HandlerError> {
    let bots = ctx.store.platform(platform).bots_page(PAGE + 1, page * PAGE).await?;
    let more = bots.len() as i64 > PAGE;
    let mut lines = Vec::new();
    let mut rows: Vec<Vec<InlineButton>> = Vec::new();
    for b in bots.iter().take(PAGE as usize) {
        let figures = ctx.store.platform(platform).bot_figures(b.id).await?;
        lines.push(t_args(
            language,
            "mst-tenant-line",
            &[
                ("icon", icon(b.status)),
                ("id", &b.id.to_string()),
                ("name", &b.name),
                ("customers", &b.customer_count.to_string()),
                ("subs", &figures.active_subscriptions.to_string()),
                ("revenue", &revenue(language, &figures.revenue)),
            ],
        ));
        let label = format!("{} #{} {}", icon(b.status), b.id, b.name);
        rows.push(vec![button(label, menu, op('v', b.id.get() as u64, 0))]);
    }
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(button("◀️".into(), menu, op('l', (page - 1) as u64, 0)));
    }
    if more {
        nav.push(button("▶️".into(), menu, op('l', (page + 1) as u64, 0)));
    }
    if !nav.is_empty() {
        rows.push(nav);
    }
    rows.push(vec![button(t(language, "btn-back"), menu, op(HOME, 0, 0))]);
    let text = if bots.is_empty() {
        t(language, "mst-no-tenants")
    } else {
        let title = t_args(language, "mst-tenants", &[("page", &(page + 1).to_string())]);
        format!("{title}\n{}", lines.join("\n"))
    };
    Ok(Screen { text, keyboard: keyboard(rows) })
}

/// The tenant's record as this update's transaction sees it (a change made a
/// moment ago in it included).
async fn record(
    ctx: &mut UpdateContext,
    platform: &PlatformScope,
    id: BotId,
) -> Result<Option<BotRecord>, HandlerError> {
    match ctx.store.platform(platform).bot_in(&mut ctx.tx, id).await {
        Ok(record) => Ok(Some(record)),
        Err(StoreError::UnknownBot(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// One tenant: status, owner and key figures, with suspend/resume and features.
async fn tenant(
    ctx: &mut UpdateContext,
    platform: &PlatformScope,
    id: BotId,
    language: Language,
    menu: u64,
) -> Result<Shown, HandlerError> {
    let Some(b) = record(ctx, platform, id).await? else {
        return Ok(Shown::toast(t(language, "mst-unknown-tenant")));
    };
    let figures = ctx.store.platform(platform).bot_figures(id).await?;
    let status_key = match b.status {
        BotStatus::Active => "mst-status-active",
        BotStatus::Suspended => "mst-status-suspended",
        BotStatus::Disabled => "mst-status-disabled",
    };
    let owner = b.owner_telegram_id.map(|o| o.to_string()).unwrap_or_else(|| t(language, "mst-nobody"));
    let text = t_args(
        language,
        "mst-tenant",
        &[
            ("icon", icon(b.status)),
            ("id", &b.id.to_string()),
            ("name", &b.name),
            ("username", &b.username.as_ref().map(|u| format!("@{u}")).unwrap_or_default()),
            ("status", &t(language, status_key)),
            ("owner", &owner),
            ("customers", &b.customer_count.to_string()),
            ("subs", &figures.active_subscriptions.to_string()),
            ("revenue", &revenue(language, &figures.revenue)),
        ],
    );
    let raw = id.get() as u64;
    let mut rows = Vec::new();
    if !b.is_master {
        match b.status {
            BotStatus::Active => rows.push(vec![button(t(language, "mst-btn-suspend"), menu, op('s', raw, 0))]),
            BotStatus::Suspended => rows.push(vec![button(t(language, "mst-btn-resume"), menu, op('r', raw, 0))]),
            BotStatus::Disabled => {}
        }
    }
    rows.push(vec![button(t(language, "mst-btn-features"), menu, op('f', raw, 0))]);
    rows.push(vec![button(t(language, "btn-back"), menu, op('l', 0, 0))]);
    Ok(Shown::screen(Screen { text, keyboard: keyboard(rows) }))
}

/// A tenant's feature switches, each a toggle button.
async fn features(
    ctx: &mut UpdateContext,
    platform: &PlatformScope,
    id: BotId,
    language: Language,
    menu: u64,
) -> Result<Shown, HandlerError> {
    let Some(b) = record(ctx, platform, id).await? else {
        return Ok(Shown::toast(t(language, "mst-unknown-tenant")));
    };
    let flags = ctx.store.platform(platform).flags_in(&mut ctx.tx, id).await?;
    let raw = id.get() as u64;
    let mut rows: Vec<Vec<InlineButton>> = flags
        .iter()
        // Onboarding means something only in the master bot.
        .filter(|(flag, _)| b.is_master || !flag.platform_only())
        .map(|(flag, on)| {
            let mark = if *on { "✅" } else { "⬜" };
            vec![button(format!("{mark} {}", flag.key()), menu, op('t', raw, u64::from(flag.code())))]
        })
        .collect();
    rows.push(vec![button(t(language, "btn-back"), menu, op('v', raw, 0))]);
    let text = t_args(language, "mst-features", &[("name", &b.name)]);
    Ok(Shown::screen(Screen { text, keyboard: keyboard(rows) }))
}

/// The shop requests waiting for approval, each with Approve / Reject.
async fn requests(ctx: &mut UpdateContext, language: Language, menu: u64) -> Result<Screen, HandlerError> {
    let waiting = ctx.store.onboarding().with_status(&mut ctx.tx, OnboardingStatus::Waiting, REQUESTS_SHOWN).await?;
    let mut lines = vec![t(language, if waiting.is_empty() { "mst-no-requests" } else { "mst-requests" })];
    let mut rows = Vec::new();
    for r in &waiting {
        lines.push(t_args(
            language,
            "mst-request-line",
            &[
                ("id", &r.id.to_string()),
                ("plan", &r.plan),
                ("fee", &price(language, r.fee)),
                ("bot", r.bot_username.as_deref().unwrap_or("?")),
                ("user", &r.telegram_id.to_string()),
            ],
        ));
        let id = r.id.to_string();
        rows.push(vec![
            button(t_args(language, "mst-btn-approve", &[("id", &id)]), menu, op('y', r.id as u64, 0)),
            button(t_args(language, "mst-btn-reject", &[("id", &id)]), menu, op('n', r.id as u64, 0)),
        ]);
    }
    rows.push(vec![button(t(language, "btn-back"), menu, op(HOME, 0, 0))]);
    Ok(Screen { text: lines.join("\n"), keyboard: keyboard(rows) })
}

#[cfg(test)]
mod tests {
    use crate::i18n::t_args;
    use bazar_domain::Language;

    /// Every variable any master text uses, with a value that shows in the output.
    const ARGS: &[(&str, &str)] = &[
        ("shop", "XSHOP"),
        ("active", "1"),
        ("suspended", "2"),
        ("disabled", "3"),
        ("customers", "4"),
        ("subs", "5"),
        ("revenue", "6"),
        ("count", "7"),
        ("page", "8"),
        ("icon", "9"),
        ("id", "10"),
        ("name", "XNAME"),
        ("username", "XUSER"),
        ("status", "XSTATUS"),
        ("owner", "XOWNER"),
        ("token", "XTOKEN"),
        ("plan", "XPLAN"),
        ("fee", "XFEE"),
        ("bot", "XBOT"),
        ("user", "XAPPLICANT"),
        ("balance", "XBALANCE"),
    ];

    #[test]
    fn every_master_text_renders_with_its_variables_in_every_language() {
        let english = include_str!("../../locales/en/master.ftl");
        let ids: Vec<&str> = english
            .lines()
            .filter(|l| !l.starts_with([' ', '#']) && l.contains(" ="))
            .filter_map(|l| l.split_once(" =").map(|(id, _)| id))
            .collect();
        assert!(ids.len() > 40, "{ids:?}");
        for language in Language::ALL {
            for id in &ids {
                let text = t_args(language, id, ARGS);
                assert_ne!(text, *id, "{id} missing in {language:?}");
                assert!(!text.contains('{') && !text.contains('$'), "{id} in {language:?}: {text}");
            }
            // Values reach the texts that take them.
            assert!(t_args(language, "mst-added", ARGS).contains("XTOKEN"));
            assert!(t_args(language, "mst-onb-created", ARGS).contains("XTOKEN"));
            assert!(t_args(language, "mst-unavailable", ARGS).contains("XSHOP"));
        }
    }
}
