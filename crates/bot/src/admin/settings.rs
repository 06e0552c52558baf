//! Admin area: features and settings — the feature switches as toggle
//! buttons, and the configuration keys a tenant may change
//! (`ConfigKey::audience()` is `Tenant`; platform-only keys are not shown and
//! refused if pressed anyway), each edited by typing a value that the domain's
//! `ConfigKey::parse_value` checks (its error is shown and the value asked
//! again), or reset to its default.
//!
//! Buttons and stored flows name a flag or key by its stable code
//! (`FeatureFlag::code`, `ConfigKey::code`), never by its place in `ALL`: a
//! flag or key added later cannot re-target a button already sent.
//!
//! Writes go into this update's transaction (`TenantTx::set_flag`,
//! `set_tenant_config`); the screen after a change is built from the
//! transaction's own view, and the cached settings are dropped so the next
//! update reads the new ones.

use super::manage::{PAGE, admin_home, ask, gone, mark, op, pager, reask, screen};
use super::{Input, Shown};
use crate::callback::{AdminArea, AdminOp};
use crate::context::CustomerBot;
use crate::flow::AdminFlow;
use crate::i18n::{t, t_args};
use crate::menu::Screen;
use crate::state::ChatState;
use bazar_domain::{ConfigAudience, ConfigKey, FeatureFlag, Language};
use bazar_runtime::{HandlerError, UpdateContext};
use bazar_store::TenantSettings;
use bazar_telegram::requests::InlineButton;
use std::sync::Arc;

const AREA: AdminArea = AdminArea::Settings;

/// The op letters of this area (see [`Op`]); tests check them against `Op::of`
/// and against the isolation walk (`crates/bazar/tests/e2e/admin_isolation.rs`).
#[cfg(test)]
pub(crate) const OPS: &[char] = &['h', 't', 'c', 'e', 'r'];

/// What a button of this area does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// The feature switches.
    Home,
    /// Switch feature `id` (its `FeatureFlag::code`).
    Toggle,
    /// The configuration keys, page `arg`.
    Config,
    /// Ask for a new value of key `id` (its `ConfigKey::code`).
    Edit,
    /// Reset key `id` (its code) to its default.
    Reset,
}

impl Op {
    fn of(c: char) -> Option<Self> {
        Some(match c {
            'h' => Self::Home,
            't' => Self::Toggle,
            'c' => Self::Config,
            'e' => Self::Edit,
            'r' => Self::Reset,
            _ => return None,
        })
    }
}

/// The switches this bot's admins see: onboarding means something only in the master bot.
fn flags(is_master: bool) -> impl Iterator<Item = FeatureFlag> {
    FeatureFlag::ALL.into_iter().filter(move |f| is_master || *f != FeatureFlag::Onboarding)
}

/// The flag a button names by its code, if this bot's admins see it.
fn shown_flag(code: u64, is_master: bool) -> Option<FeatureFlag> {
    let flag = FeatureFlag::from_code(u16::try_from(code).ok()?)?;
    flags(is_master).any(|f| f == flag).then_some(flag)
}

/// The keys a tenant may change, in display order.
fn tenant_keys() -> impl Iterator<Item = ConfigKey> {
    ConfigKey::ALL.into_iter().filter(|k| k.audience() == ConfigAudience::Tenant)
}

/// The key a button (or stored flow) names by its code, if a tenant may change it.
fn tenant_key(code: u64) -> Option<ConfigKey> {
    let key = ConfigKey::from_code(u16::try_from(code).ok()?)?;
    (key.audience() == ConfigAudience::Tenant).then_some(key)
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
    Ok(match what {
        Op::Home => Shown::screen(features(ctx, language, menu)),
        Op::Toggle => {
            let Some(flag) = shown_flag(action.id, ctx.bot.record.is_master) else {
                return Ok(Shown::toast(gone(language)));
            };
            let on = !ctx.settings.flag(flag);
            ctx.tx.set_flag(flag, on).await?;
            refresh(ctx).await?;
            Shown::screen(features(ctx, language, menu))
        }
        Op::Config => Shown::screen(config(ctx, language, menu, action.arg)),
        Op::Edit => match tenant_key(action.id) {
            Some(key) => {
                state.admin_flow(AdminFlow::Settings { key: action.id });
                let mut shown = ask(language, menu, AREA, question(ctx, language, key));
                let reset = op_row(t(language, "mng-set-reset"), menu, 'r', action.id);
                shown.keyboard.inline_keyboard.insert(0, reset);
                Shown::screen(shown)
            }
            None => Shown::toast(gone(language)),
        },
        Op::Reset => match tenant_key(action.id) {
            Some(key) => {
                ctx.tx.set_tenant_config(key, None).await?;
                refresh(ctx).await?;
                Shown { screen: Some(config(ctx, language, menu, 0)), toast: Some(t(language, "mng-saved")) }
            }
            None => Shown::toast(gone(language)),
        },
    })
}

/// A typed value for the key being edited.
pub(crate) async fn input(
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    code: u64,
    input: Input<'_>,
    language: Language,
    menu: u64,
) -> Result<Option<Screen>, HandlerError> {
    let Some(key) = tenant_key(code) else { return Ok(None) };
    let parsed = match input {
        Input::Text(text) => key.parse_value(text).map_err(|e| e.to_string()),
        Input::Photo { .. } => Err(t(language, "mng-text-please")),
    };
    match parsed {
        Ok(value) => {
            ctx.tx.set_tenant_config(key, Some(&value)).await?;
            refresh(ctx).await?;
            let mut shown = config(ctx, language, menu, 0);
            let line = t_args(language, "mng-set-saved", &[("key", key.key()), ("value", &value.to_string())]);
            shown.text = format!("{line}\n\n{}", shown.text);
            Ok(Some(shown))
        }
        Err(why) => {
            state.admin_flow(AdminFlow::Settings { key: code });
            Ok(Some(reask(language, menu, AREA, &why, &question(ctx, language, key))))
        }
    }
}

/// Re-reads the settings from this transaction (so the rest of the update sees
/// the change) and drops the cached copy (so the next update does).
async fn refresh(ctx: &mut UpdateContext) -> Result<(), HandlerError> {
    let settings: TenantSettings = ctx.tx.load_settings().await?;
    ctx.settings = Arc::new(settings);
    ctx.store.tenant(&ctx.bot.scope).forget_cached_settings().await;
    Ok(())
}

fn op_row(text: String, menu: u64, letter: char, id: u64) -> Vec<InlineButton> {
    vec![op(text, menu, AREA, letter, id, 0)]
}

fn question(ctx: &UpdateContext, language: Language, key: ConfigKey) -> String {
    t_args(
        language,
        "mng-set-ask",
        &[("key", key.key()), ("value", &ctx.settings.config(key).to_string()), ("expected", key.expected())],
    )
}

fn features(ctx: &UpdateContext, language: Language, menu: u64) -> Screen {
    let mut rows: Vec<Vec<InlineButton>> = flags(ctx.bot.record.is_master)
        .map(|flag| {
            let label = format!("{} {}", mark(ctx.settings.flag(flag)), flag.key());
            op_row(label, menu, 't', u64::from(flag.code()))
        })
        .collect();
    rows.push(vec![op(t(language, "mng-set-config"), menu, AREA, 'c', 0, 0)]);
    rows.push(vec![admin_home(language, menu)]);
    screen(t(language, "mng-set-title"), rows)
}

fn config(ctx: &UpdateContext, language: Language, menu: u64, page: u64) -> Screen {
    let keys: Vec<ConfigKey> = tenant_keys().collect();
    let start = usize::try_from(page).unwrap_or(usize::MAX).saturating_mul(PAGE).min(keys.len());
    let shown = &keys[start..(start + PAGE).min(keys.len())];
    let mut rows: Vec<Vec<InlineButton>> = shown
        .iter()
        .map(|key| {
            let value = ctx.settings.config(*key).to_string();
            let value: String = value.chars().take(24).collect();
            op_row(format!("{} = {value}", key.key()), menu, 'e', u64::from(key.code()))
        })
        .collect();
    rows.extend(pager(menu, AREA, 'c', 0, page, start + PAGE < keys.len()));
    rows.push(vec![op(t(language, "btn-back"), menu, AREA, 'h', 0, 0)]);
    screen(t(language, "mng-set-config-title"), rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_op_letter_is_handled() {
        crate::admin::manage::assert_op_letters(OPS, |c| Op::of(c).is_some());
    }

    #[test]
    fn platform_keys_are_not_offered() {
        for key in ConfigKey::ALL {
            let offered = tenant_key(u64::from(key.code())).is_some();
            assert_eq!(offered, key.audience() == ConfigAudience::Tenant, "{key}");
        }
        assert!(tenant_key(u64::MAX).is_none());
        assert!(flags(false).all(|f| f != FeatureFlag::Onboarding));
    }

    /// A button names its key or flag by code, whatever its place in `ALL`.
    #[test]
    fn buttons_name_keys_and_flags_by_code() {
        for key in tenant_keys() {
            assert_eq!(tenant_key(u64::from(key.code())), Some(key), "{key}");
        }
        for flag in FeatureFlag::ALL {
            assert_eq!(shown_flag(u64::from(flag.code()), true), Some(flag), "{flag}");
        }
        assert_eq!(shown_flag(u64::from(FeatureFlag::Onboarding.code()), false), None, "master bot only");
        assert_eq!(shown_flag(u64::from(u16::MAX) + 1, true), None);
        assert_eq!(tenant_key(u64::from(ConfigKey::MaxAdmins.code())), None, "platform-only");
    }
}
