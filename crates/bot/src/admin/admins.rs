//! Admin area: the tenant's admins. Every admin sees who the others are; only
//! the tenant's owner and admins allowed to manage admins (`can_manage_admins`)
//! add or remove them or change that permission. Nobody removes themselves or
//! the owner here, so a shop can't lock itself out from inside the bot (the
//! operator's CLI and the master bot still can).

use super::{Input, Shown};
use crate::callback::{Action, AdminArea, AdminOp};
use crate::context::CustomerBot;
use crate::flow::{AdminFlow, AdminsFlow};
use crate::i18n::{t, t_args};
use crate::menu::{Screen, button};
use crate::state::ChatState;
use bazar_domain::{Language, TelegramUserId};
use bazar_runtime::{HandlerError, UpdateContext};
use bazar_shop::admins::{self, AdminRefusal};
use bazar_store::Admin;
use bazar_telegram::requests::InlineKeyboard;

const AREA: AdminArea = AdminArea::Admins;
/// Op: one admin (id = their Telegram id).
const VIEW: char = 'v';
/// Op: ask for the Telegram id of a new admin.
const ADD: char = 'a';
/// Op: allow or forbid managing admins (id = their Telegram id).
const TOGGLE: char = 't';
/// Op: ask to confirm a removal (id = their Telegram id).
const REMOVE: char = 'r';
/// Op: remove, confirmed (id = their Telegram id).
const REMOVE_CONFIRMED: char = 'x';

/// Whether the sender may add and remove admins here (also: connect the shop's panel).
pub(super) async fn can_manage(ctx: &mut UpdateContext) -> Result<bool, HandlerError> {
    let sender = ctx.customer.telegram_id;
    if ctx.bot.record.owner_telegram_id == Some(sender) {
        return Ok(true);
    }
    Ok(ctx.tx.admin(sender).await?.is_some_and(|a| a.can_manage_admins))
}

/// A button of this area.
pub(crate) async fn press(
    _bot: &CustomerBot,
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    op: AdminOp,
    language: Language,
    menu: u64,
) -> Result<Shown, HandlerError> {
    if op.op == super::HOME {
        return Ok(Shown::screen(list(ctx, language, menu, None).await?));
    }
    if op.op == VIEW {
        return Ok(match ctx.tx.admin(telegram_id(op.id)).await? {
            Some(admin) => Shown::screen(view(ctx, &admin, language, menu, None).await?),
            None => {
                Shown { screen: Some(list(ctx, language, menu, None).await?), toast: Some(t(language, "adms-gone")) }
            }
        });
    }
    if !matches!(op.op, ADD | TOGGLE | REMOVE | REMOVE_CONFIRMED) {
        return Ok(Shown::toast(t(language, "menu-expired")));
    }
    if !can_manage(ctx).await? {
        return Ok(Shown::toast(t(language, "adms-not-allowed")));
    }
    if op.op == ADD {
        state.admin_flow(AdminFlow::Admins(AdminsFlow::Id));
        let back = button(t(language, "btn-back"), menu, Action::Admin(AREA, AdminOp::new(super::HOME)));
        return Ok(Shown::screen(Screen {
            text: t(language, "adms-ask-id"),
            keyboard: InlineKeyboard::new(vec![vec![back]]),
        }));
    }
    let target = telegram_id(op.id);
    let Some(admin) = ctx.tx.admin(target).await? else {
        return Ok(Shown {
            screen: Some(list(ctx, language, menu, None).await?),
            toast: Some(t(language, "adms-gone")),
        });
    };
    if target == ctx.customer.telegram_id || ctx.bot.record.owner_telegram_id == Some(target) {
        return Ok(Shown::toast(t(language, "adms-not-self")));
    }
    Ok(match op.op {
        TOGGLE => {
            ctx.tx.add_admin(target, !admin.can_manage_admins).await?;
            let admin = Admin { can_manage_admins: !admin.can_manage_admins, ..admin };
            Shown::screen(view(ctx, &admin, language, menu, Some(t(language, "adms-saved"))).await?)
        }
        REMOVE => {
            let id = op.id;
            let text = t_args(language, "adms-remove-confirm", &[("id", &id.to_string())]);
            let keyboard = InlineKeyboard::new(vec![
                vec![button(
                    t(language, "adms-btn-remove-yes"),
                    menu,
                    Action::Admin(AREA, AdminOp::on(REMOVE_CONFIRMED, id)),
                )],
                vec![button(t(language, "btn-back"), menu, Action::Admin(AREA, AdminOp::on(VIEW, id)))],
            ]);
            Shown::screen(Screen { text, keyboard })
        }
        _ => {
            ctx.tx.remove_admin(target).await?;
            let line = t_args(language, "adms-removed", &[("id", &target.get().to_string())]);
            Shown::screen(list(ctx, language, menu, Some(line)).await?)
        }
    })
}

/// The Telegram id of a new admin.
pub(crate) async fn input(
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    flow: AdminsFlow,
    input: Input<'_>,
    language: Language,
    menu: u64,
) -> Result<Option<Screen>, HandlerError> {
    let Input::Text(text) = input else { return Ok(None) };
    if !can_manage(ctx).await? {
        return Ok(Some(list(ctx, language, menu, Some(t(language, "adms-not-allowed"))).await?));
    }
    let parsed = text.trim().trim_start_matches('#').parse::<i64>().ok().filter(|id| *id > 0);
    let Some(id) = parsed else {
        // Ask again: the flow stays open until a valid id or a button press.
        state.admin_flow(AdminFlow::Admins(flow));
        let back = button(t(language, "btn-back"), menu, Action::Admin(AREA, AdminOp::new(super::HOME)));
        let text = format!("{}\n\n{}", t(language, "adms-bad-id"), t(language, "adms-ask-id"));
        return Ok(Some(Screen { text, keyboard: InlineKeyboard::new(vec![vec![back]]) }));
    };
    // An admin already keeps their permissions: nothing is written for them.
    let line = if ctx.tx.admin(TelegramUserId::from_raw(id)).await?.is_some() {
        t_args(language, "adms-already", &[("id", &id.to_string())])
    } else {
        let settings = ctx.settings.clone();
        match admins::add(&mut ctx.tx, &settings, id, false).await {
            Ok(_) => t_args(language, "adms-added", &[("id", &id.to_string())]),
            // The platform sets the cap (`max_admins`); the shop cannot raise it.
            Err(AdminRefusal::TooMany { max }) => t_args(language, "adms-cap", &[("max", &max.to_string())]),
            Err(AdminRefusal::BadId) => t(language, "adms-bad-id"),
            Err(AdminRefusal::Store(e)) => return Err(e.into()),
        }
    };
    Ok(Some(list(ctx, language, menu, Some(line)).await?))
}

fn telegram_id(raw: u64) -> TelegramUserId {
    TelegramUserId::from_raw(i64::try_from(raw).unwrap_or(0))
}

/// `Sara (@sara)`, or the bare id for someone who never started the bot.
async fn name_of(ctx: &mut UpdateContext, id: TelegramUserId) -> Result<String, HandlerError> {
    let customer = ctx.tx.customer_by_telegram_id(id).await?;
    let name = customer.as_ref().and_then(|c| c.first_name.clone()).unwrap_or_default();
    let username = customer.and_then(|c| c.username).map(|u| format!(" @{u}")).unwrap_or_default();
    let name = format!("{name}{username}");
    Ok(match name.trim() {
        "" => id.get().to_string(),
        name => format!("{} {}", id.get(), crate::untrusted::name(name)),
    })
}

async fn list(
    ctx: &mut UpdateContext,
    language: Language,
    menu: u64,
    note: Option<String>,
) -> Result<Screen, HandlerError> {
    let admins = ctx.tx.admins().await?;
    let manage = can_manage(ctx).await?;
    let owner = ctx.bot.record.owner_telegram_id;
    let mut rows = Vec::new();
    for admin in &admins {
        let mut label = name_of(ctx, admin.telegram_id).await?;
        if owner == Some(admin.telegram_id) {
            label = format!("👑 {label}");
        } else if admin.can_manage_admins {
            label = format!("🔑 {label}");
        }
        let id = admin.telegram_id.get() as u64;
        rows.push(vec![button(label, menu, Action::Admin(AREA, AdminOp::on(VIEW, id)))]);
    }
    if manage {
        rows.push(vec![button(t(language, "adms-btn-add"), menu, Action::Admin(AREA, AdminOp::new(ADD)))]);
    }
    rows.push(vec![button(t(language, "btn-back"), menu, Action::AdminHome)]);
    let title = t_args(language, "adms-title", &[("count", &admins.len().to_string())]);
    let text = match note {
        Some(note) => format!("{note}\n\n{title}"),
        None => title,
    };
    Ok(Screen { text, keyboard: InlineKeyboard::new(rows) })
}

async fn view(
    ctx: &mut UpdateContext,
    admin: &Admin,
    language: Language,
    menu: u64,
    note: Option<String>,
) -> Result<Screen, HandlerError> {
    let name = name_of(ctx, admin.telegram_id).await?;
    let id = admin.telegram_id.get() as u64;
    let is_owner = ctx.bot.record.owner_telegram_id == Some(admin.telegram_id);
    let role = if is_owner {
        t(language, "adms-role-owner")
    } else if admin.can_manage_admins {
        t(language, "adms-role-manager")
    } else {
        t(language, "adms-role-admin")
    };
    let added = bazar_domain::calendar::iso_date_of_ms(admin.added_at);
    let mut text = t_args(language, "adms-view", &[("name", &name), ("role", &role), ("added", &added)]);
    if let Some(note) = note {
        text = format!("{note}\n\n{text}");
    }
    let mut rows = Vec::new();
    let editable = !is_owner && admin.telegram_id != ctx.customer.telegram_id;
    if editable && can_manage(ctx).await? {
        let toggle = if admin.can_manage_admins { "adms-btn-forbid" } else { "adms-btn-allow" };
        rows.push(vec![button(t(language, toggle), menu, Action::Admin(AREA, AdminOp::on(TOGGLE, id)))]);
        rows.push(vec![button(t(language, "adms-btn-remove"), menu, Action::Admin(AREA, AdminOp::on(REMOVE, id)))]);
    }
    rows.push(vec![button(t(language, "btn-back"), menu, Action::Admin(AREA, AdminOp::new(super::HOME)))]);
    Ok(Screen { text, keyboard: InlineKeyboard::new(rows) })
}
