//! Admin area: the VPN panel serving the shop — which kind, whose, whether it
//! answers — and, when the platform allows it (`own_panel_allowed`),
//! connecting the shop's own: a kind (a button), its URL, then its login as
//! `key=value` lines. That last message is deleted from the chat at once;
//! the update inbox keeps it only with the secret values redacted
//! ([`bazar_domain::redact_secrets`]); the credentials, checked against the
//! kind's sets, go to a `panel_connect` job sealed, because testing a panel
//! means waiting on it, which an update's transaction must not do. The job
//! runs `shop::own_panel::connect` — the same use case as `PUT /api/v1/panel`
//! — and tells this chat how it went (see `crate::panel_connect`).

use super::{Input, Shown};
use crate::callback::{Action, AdminArea, AdminOp};
use crate::flow::{AdminFlow, PanelFlow};
use crate::i18n::{t, t_args};
use crate::menu::{Screen, button};
use crate::state::ChatState;
use bazar_domain::jobs::PanelConnectJob;
use bazar_domain::{ConfigKey, ConfigValue, JobKind, Language, PanelCredentials, REDACTED_VALUE};
use bazar_panels::KindSpec;
use bazar_runtime::{HandlerError, UpdateContext};
use bazar_telegram::requests::InlineKeyboard;
use secrecy::SecretString;

const AREA: AdminArea = AdminArea::Panel;
/// Op: list the kinds to connect.
const KINDS: char = 'k';
/// Op: this kind (id = [`kind_code`]) was picked; ask for its URL.
const PICK: char = 'p';

/// A kind's number on a button: a hash of its name, so a button keeps its
/// kind whatever is added to the registry.
fn kind_code(spec: &KindSpec) -> u64 {
    spec.name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)) >> 12
}

fn own_panel_allowed(ctx: &UpdateContext) -> bool {
    matches!(ctx.settings.config(ConfigKey::OwnPanelAllowed), ConfigValue::Bool(true))
}

/// Whether the sender may change where the shop sells: its owner, or an
/// admin allowed to manage admins (the same people who decide who runs it).
async fn may_connect(ctx: &mut UpdateContext) -> Result<bool, HandlerError> {
    super::admins::can_manage(ctx).await
}

fn back(language: Language, menu: u64) -> Vec<bazar_telegram::InlineButton> {
    vec![button(t(language, "btn-back"), menu, Action::Admin(AREA, AdminOp::new(super::HOME)))]
}

/// A button of this area.
pub(crate) async fn press(
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    op: AdminOp,
    language: Language,
    menu: u64,
) -> Result<Shown, HandlerError> {
    if op.op == super::HOME {
        return Ok(Shown::screen(home(ctx, language, menu, None).await?));
    }
    if !own_panel_allowed(ctx) {
        return Ok(Shown::toast(t(language, "mng-panel-not-allowed")));
    }
    if !may_connect(ctx).await? {
        return Ok(Shown::toast(t(language, "mng-panel-not-yours")));
    }
    match op.op {
        KINDS => {
            let mut rows: Vec<_> = bazar_panels::KINDS
                .iter()
                .map(|spec| {
                    let pick = Action::Admin(AREA, AdminOp::on(PICK, kind_code(spec)));
                    vec![button(spec.name.to_owned(), menu, pick)]
                })
                .collect();
            rows.push(back(language, menu));
            Ok(Shown::screen(Screen { text: t(language, "mng-panel-pick-kind"), keyboard: InlineKeyboard::new(rows) }))
        }
        PICK => match bazar_panels::KINDS.iter().find(|spec| kind_code(spec) == op.id) {
            Some(spec) => {
                state.admin_flow(AdminFlow::Panel(PanelFlow::Url { kind: spec.name.to_owned() }));
                Ok(Shown::screen(ask_url(spec, language, menu, None)))
            }
            None => Ok(Shown::toast(t(language, "menu-expired"))),
        },
        _ => Ok(Shown::toast(t(language, "menu-expired"))),
    }
}

/// The URL, then the login.
pub(crate) async fn input(
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    flow: PanelFlow,
    input: Input<'_>,
    language: Language,
    menu: u64,
) -> Result<Option<Screen>, HandlerError> {
    let Input::Text(text) = input else { return Ok(None) };
    let kind = match &flow {
        PanelFlow::Url { kind } | PanelFlow::Credentials { kind, .. } => kind.clone(),
    };
    let Ok(spec) = bazar_panels::parse_kind(&kind) else { return Ok(None) };
    if !own_panel_allowed(ctx) || !may_connect(ctx).await? {
        return Ok(Some(home(ctx, language, menu, Some(t(language, "mng-panel-not-allowed"))).await?));
    }
    match flow {
        PanelFlow::Url { kind } => {
            let url = text.trim().trim_end_matches('/').to_owned();
            let parsed = url::Url::parse(&url).ok().filter(|u| matches!(u.scheme(), "http" | "https"));
            if parsed.is_none() || url.len() > 500 {
                state.admin_flow(AdminFlow::Panel(PanelFlow::Url { kind }));
                return Ok(Some(ask_url(spec, language, menu, Some(t(language, "mng-panel-bad-url")))));
            }
            state.admin_flow(AdminFlow::Panel(PanelFlow::Credentials { kind, url }));
            Ok(Some(ask_credentials(spec, language, menu, None)))
        }
        PanelFlow::Credentials { kind, url } => {
            super::master::delete_pasted(ctx);
            let again = |state: &mut ChatState, note: String| {
                state.admin_flow(AdminFlow::Panel(PanelFlow::Credentials { kind: kind.clone(), url: url.clone() }));
                Some(ask_credentials(spec, language, menu, Some(note)))
            };
            if text.contains(REDACTED_VALUE) {
                // Handled again from the inbox after a restart: the secret is gone by design.
                return Ok(again(state, t(language, "mng-panel-send-again")));
            }
            let credentials = read_lines(text);
            if credentials.matching(spec.credentials).is_err() {
                return Ok(again(state, t(language, "mng-panel-bad-credentials")));
            }
            let sealed = ctx.tx.seal_for_job(&credentials);
            let job = PanelConnectJob { kind, url, credentials: sealed, chat: ctx.chat.0 };
            ctx.tx.enqueue_job(&JobKind::PanelConnect(job), 0).await?;
            Ok(Some(Screen { text: t(language, "mng-panel-testing"), keyboard: InlineKeyboard::new(vec![]) }))
        }
    }
}

/// `key=value` lines into credentials (other lines are ignored; the kind's
/// sets decide whether what is there is enough).
fn read_lines(text: &str) -> PanelCredentials {
    text.lines()
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .filter(|(key, value)| !key.is_empty() && !value.is_empty())
        .fold(PanelCredentials::default(), |c, (key, value)| c.with(&key, SecretString::from(value)))
}

fn ask_url(spec: &KindSpec, language: Language, menu: u64, note: Option<String>) -> Screen {
    let text = t_args(language, "mng-panel-ask-url", &[("kind", spec.name)]);
    Screen { text: with_note(note, text), keyboard: InlineKeyboard::new(vec![back(language, menu)]) }
}

/// The login as lines to copy, one template per way the kind logs in.
fn ask_credentials(spec: &KindSpec, language: Language, menu: u64, note: Option<String>) -> Screen {
    let templates: Vec<String> = spec
        .credentials
        .iter()
        .map(|set| set.fields.iter().map(|f| format!("{}=", f.key)).collect::<Vec<_>>().join("\n"))
        .collect();
    let templates = templates.join(&format!("\n{}\n", t(language, "mng-panel-or")));
    let text = t_args(language, "mng-panel-ask-credentials", &[("kind", spec.name), ("templates", &templates)]);
    Screen { text: with_note(note, text), keyboard: InlineKeyboard::new(vec![back(language, menu)]) }
}

fn with_note(note: Option<String>, text: String) -> String {
    match note {
        Some(note) => format!("{note}\n\n{text}"),
        None => text,
    }
}

/// Which panel serves the shop, whose, and whether it answers.
async fn home(
    ctx: &mut UpdateContext,
    language: Language,
    menu: u64,
    note: Option<String>,
) -> Result<Screen, HandlerError> {
    let own = ctx.tx.own_panel_assigned().await?;
    let text = match ctx.tx.tenant_panel_info().await? {
        None => t(language, "mng-panel-none"),
        Some(panel) => {
            let whose = t(language, if own { "mng-panel-whose-own" } else { "mng-panel-whose-platform" });
            let health = match panel.down_since {
                None => t(language, "mng-panel-up"),
                Some(_) => t(language, "mng-panel-down"),
            };
            t_args(
                language,
                "mng-panel-title",
                &[("kind", panel.kind.as_str()), ("whose", &whose), ("health", &health)],
            )
        }
    };
    let mut rows = Vec::new();
    if own_panel_allowed(ctx) && may_connect(ctx).await? {
        rows.push(vec![button(t(language, "mng-panel-btn-connect"), menu, Action::Admin(AREA, AdminOp::new(KINDS)))]);
    }
    rows.push(vec![button(t(language, "btn-back"), menu, Action::AdminHome)]);
    Ok(Screen { text: with_note(note, text), keyboard: InlineKeyboard::new(rows) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_keep_distinct_codes_that_fit_a_button() {
        let codes: std::collections::BTreeSet<u64> = bazar_panels::KINDS.iter().map(|k| kind_code(k)).collect();
        assert_eq!(codes.len(), bazar_panels::KINDS.len());
        assert!(codes.iter().all(|c| *c < 1 << 52), "{codes:?}");
    }

    #[test]
    fn a_login_is_read_from_its_lines() {
        let read = read_lines("Username = admin\npassword=p=ss\nnoise\n=x\ntoken=");
        assert_eq!(read.keys(), "password, username");
        assert_eq!(read.text("password"), Some("p=ss"));
    }
}
