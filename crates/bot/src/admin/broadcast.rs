//! Admin area: broadcasts to the tenant's customers.
//!
//! Compose (the admin sends a text, or a photo with a caption) → a *draft* is
//! stored, so the buttons that follow survive any menu → optionally one URL
//! button (`Label | https://…`) → choose the audience (all, active, expired,
//! never bought, each with its count) → preview (the exact message, sent to
//! the admin) → confirm: in this update's transaction the audience is
//! snapshotted and the broadcast set running. The runtime's broadcast engine
//! (`bazar_runtime::broadcast`) sends it, edits a progress message here and
//! sends the final report; its texts come from [`text`]. A list shows recent
//! broadcasts; a running one can be cancelled.

use super::manage::{admin_home, area_home, ask, gone, op, pager, reask, screen, signed, trim, window};
use super::{Input, Shown};
use crate::callback::{AdminArea, AdminOp};
use crate::context::CustomerBot;
use crate::flow::{AdminFlow, BroadcastFlow};
use crate::i18n::{t, t_args};
use crate::menu::Screen;
use crate::state::ChatState;
use bazar_domain::{BroadcastId, Language};
use bazar_runtime::{BroadcastProgress, HandlerError, Outgoing, TextKind, UpdateContext, broadcast_message};
use bazar_store::{Audience, Broadcast, BroadcastButton, BroadcastMessage, BroadcastStatus, NewBroadcast};
use bazar_telegram::requests::{InlineButton, SendMessage};

const AREA: AdminArea = AdminArea::Broadcast;
/// Telegram's limits: a message text, and a photo caption.
const MAX_TEXT: usize = 4096;
const MAX_CAPTION: usize = 1024;
/// Longest button label we accept (Telegram shows about this much).
const MAX_LABEL: usize = 64;
/// Longest button URL.
const MAX_URL: usize = 2048;
/// How much of the text a draft screen repeats.
const SNIPPET: usize = 300;

/// The op letters of this area (see [`Op`]), for the isolation walk.
#[cfg(test)]
pub(crate) const OPS: &[char] = &['h', 'n', 'l', 'v', 'b', 'r', 'a', 'p', 'c', 'x', 'k'];

/// What a button of this area does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// The area's first screen.
    Home,
    /// Start composing.
    New,
    /// Recent broadcasts, page `arg`.
    List,
    /// One broadcast (`id`): a draft's editor, or a sent one's progress.
    View,
    /// Ask for draft `id`'s button.
    Button,
    /// Remove draft `id`'s button.
    RemoveButton,
    /// Choose draft `id`'s audience.
    Audience,
    /// Preview draft `id` for audience `arg` and ask to confirm.
    Preview,
    /// Start draft `id` for audience `arg`.
    Confirm,
    /// Discard draft `id`.
    Discard,
    /// Cancel running broadcast `id`.
    Cancel,
}

impl Op {
    fn of(c: char) -> Option<Self> {
        Some(match c {
            'h' => Self::Home,
            'n' => Self::New,
            'l' => Self::List,
            'v' => Self::View,
            'b' => Self::Button,
            'r' => Self::RemoveButton,
            'a' => Self::Audience,
            'p' => Self::Preview,
            'c' => Self::Confirm,
            'x' => Self::Discard,
            'k' => Self::Cancel,
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
    let audience = usize::try_from(action.arg).ok().and_then(|i| Audience::ALL.get(i).copied());
    Ok(match what {
        Op::Home => Shown::screen(home(language, menu)),
        Op::New => {
            state.admin_flow(AdminFlow::Broadcast(BroadcastFlow::Compose));
            Shown::screen(ask(language, menu, AREA, t(language, "bc-compose-ask")))
        }
        Op::List => Shown::screen(list(ctx, language, menu, action.arg).await?),
        Op::View => match ctx.tx.broadcast(BroadcastId::from_raw(id)).await? {
            Some(b) => Shown::screen(view(language, menu, &b)),
            None => Shown::toast(gone(language)),
        },
        Op::Button => match draft(ctx, id).await? {
            Some(_) => {
                state.admin_flow(AdminFlow::Broadcast(BroadcastFlow::Button { id }));
                Shown::screen(ask_button(language, menu, id))
            }
            None => Shown::toast(t(language, "bc-not-draft")),
        },
        Op::RemoveButton => {
            if ctx.tx.set_broadcast_button(BroadcastId::from_raw(id), None).await? {
                refreshed(ctx, language, menu, id).await?
            } else {
                Shown::toast(t(language, "bc-not-draft"))
            }
        }
        Op::Audience => match draft(ctx, id).await? {
            Some(_) => Shown::screen(audiences(ctx, language, menu, id).await?),
            None => Shown::toast(t(language, "bc-not-draft")),
        },
        Op::Preview => match (draft(ctx, id).await?, audience) {
            (Some(b), Some(audience)) => {
                let size = ctx.tx.audience_size(audience).await?;
                let chat = ctx.chat.0;
                // The exact message customers will get, then the question below it.
                ctx.send(broadcast_message(&b.message, chat));
                let confirm = confirm_screen(language, menu, id, audience, size.reachable, size.total - size.reachable);
                ctx.send(Outgoing::call(SendMessage::new(chat, confirm.text).markup(confirm.keyboard)));
                Shown::toast(t(language, "bc-preview-sent"))
            }
            (None, _) => Shown::toast(t(language, "bc-not-draft")),
            (Some(_), None) => Shown::toast(t(language, "menu-expired")),
        },
        Op::Confirm => match audience {
            Some(audience) => confirm(ctx, language, menu, id, audience).await?,
            None => Shown::toast(t(language, "menu-expired")),
        },
        Op::Discard => {
            if ctx.tx.discard_broadcast(BroadcastId::from_raw(id)).await? {
                Shown { screen: Some(home(language, menu)), toast: Some(t(language, "bc-discarded")) }
            } else {
                Shown::toast(t(language, "bc-not-draft"))
            }
        }
        Op::Cancel => {
            let toast = t(
                language,
                if ctx.tx.cancel_broadcast(BroadcastId::from_raw(id)).await? {
                    "bc-cancelled"
                } else {
                    "bc-not-running"
                },
            );
            match ctx.tx.broadcast(BroadcastId::from_raw(id)).await? {
                Some(b) => Shown { screen: Some(view(language, menu, &b)), toast: Some(toast) },
                None => Shown::toast(gone(language)),
            }
        }
    })
}

/// The next message of composing, or the button's `Label | URL`.
pub(crate) async fn input(
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    flow: BroadcastFlow,
    input: Input<'_>,
    language: Language,
    menu: u64,
) -> Result<Option<Screen>, HandlerError> {
    match flow {
        BroadcastFlow::Compose => {
            let message = match compose(input) {
                Ok(message) => message,
                Err(why) => {
                    state.admin_flow(AdminFlow::Broadcast(flow));
                    let question = t(language, "bc-compose-ask");
                    return Ok(Some(reask(language, menu, AREA, &t(language, why), &question)));
                }
            };
            let new =
                NewBroadcast { created_by: ctx.customer.telegram_id, admin_chat_id: ctx.chat.0, language, message };
            let draft = ctx.tx.create_broadcast(&new).await?;
            Ok(Some(view(language, menu, &draft)))
        }
        BroadcastFlow::Button { id } => {
            let parsed = match input {
                Input::Text(text) => parse_button(text),
                Input::Photo { .. } => Err("bc-button-format"),
            };
            match parsed {
                Ok(button) => {
                    if !ctx.tx.set_broadcast_button(BroadcastId::from_raw(id), Some(&button)).await? {
                        return Ok(Some(home_with(language, menu, t(language, "bc-not-draft"))));
                    }
                    match ctx.tx.broadcast(BroadcastId::from_raw(id)).await? {
                        Some(b) => Ok(Some(view(language, menu, &b))),
                        None => Ok(Some(home_with(language, menu, gone(language)))),
                    }
                }
                Err(why) => {
                    state.admin_flow(AdminFlow::Broadcast(flow));
                    Ok(Some(reask(language, menu, AREA, &t(language, why), &t(language, "bc-button-ask"))))
                }
            }
        }
    }
}

/// The text of the engine's progress message or final report, in the broadcast's language.
pub(crate) fn text(progress: &BroadcastProgress, kind: TextKind) -> String {
    let b = &progress.broadcast;
    let c = &b.counts;
    let language = b.language;
    match kind {
        TextKind::Progress => {
            let eta = progress.eta.map_or_else(|| "—".to_owned(), |d| clock(d.as_secs()));
            t_args(
                language,
                "bc-progress",
                &[
                    ("id", &b.id.to_string()),
                    ("status", &status_name(language, b.status)),
                    ("bar", &progress.bar(12)),
                    ("percent", &progress.percent().to_string()),
                    ("sent", &c.sent.to_string()),
                    ("failed", &c.failed.to_string()),
                    ("blocked", &c.blocked.to_string()),
                    ("remaining", &c.remaining().to_string()),
                    ("rate", &format!("{:.1}", progress.per_second)),
                    ("eta", &eta),
                ],
            )
        }
        TextKind::Report => {
            let outcome =
                if b.status == BroadcastStatus::Cancelled { "bc-outcome-cancelled" } else { "bc-outcome-done" };
            let elapsed = match (b.started_at, b.finished_at) {
                (Some(start), Some(end)) => clock(u64::try_from((end - start) / 1000).unwrap_or(0)),
                _ => "—".to_owned(),
            };
            t_args(
                language,
                "bc-report",
                &[
                    ("id", &b.id.to_string()),
                    ("outcome", &t(language, outcome)),
                    ("elapsed", &elapsed),
                    ("total", &c.total.to_string()),
                    ("sent", &c.sent.to_string()),
                    ("failed", &c.failed.to_string()),
                    ("blocked", &c.blocked.to_string()),
                    ("skipped", &c.skipped.to_string()),
                    ("unknown", &c.unknown.to_string()),
                    ("unsent", &c.remaining().to_string()),
                ],
            )
        }
    }
}

/// `m:ss`, or `h:mm:ss` from an hour on.
fn clock(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

/// The message an admin composed: a non-empty text within Telegram's limit,
/// or a photo with an optional caption within the caption limit.
fn compose(input: Input<'_>) -> Result<BroadcastMessage, &'static str> {
    match input {
        Input::Text(text) => {
            let text = text.trim();
            if text.is_empty() {
                return Err("bc-empty");
            }
            if text.chars().count() > MAX_TEXT {
                return Err("bc-text-too-long");
            }
            Ok(BroadcastMessage { text: Some(text.to_owned()), photo_file_id: None, button: None })
        }
        Input::Photo { file_id, caption } => {
            let caption = caption.map(str::trim).filter(|c| !c.is_empty());
            if caption.is_some_and(|c| c.chars().count() > MAX_CAPTION) {
                return Err("bc-caption-too-long");
            }
            Ok(BroadcastMessage {
                text: caption.map(str::to_owned),
                photo_file_id: Some(file_id.to_owned()),
                button: None,
            })
        }
    }
}

/// `Label | https://host/path` → a button; the error is the text id of why not.
fn parse_button(text: &str) -> Result<BroadcastButton, &'static str> {
    let (label, url) = text.split_once('|').ok_or("bc-button-format")?;
    let (label, url) = (label.trim(), url.trim());
    if label.is_empty() || label.chars().count() > MAX_LABEL {
        return Err("bc-button-label");
    }
    if !is_https_url(url) {
        return Err("bc-button-url");
    }
    Ok(BroadcastButton { label: label.to_owned(), url: url.to_owned() })
}

/// An absolute `https://` URL with a plausible host name, no spaces, not too long.
fn is_https_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else { return false };
    if url.len() > MAX_URL || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => host,
        Some(_) => return false,
        None => authority,
    };
    !authority.contains('@')
        && host.contains('.')
        && !host.starts_with(['.', '-'])
        && !host.ends_with(['.', '-'])
        && host.split('.').all(|label| !label.is_empty())
        && host.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.')
}

async fn draft(ctx: &mut UpdateContext, id: i64) -> Result<Option<Broadcast>, HandlerError> {
    Ok(ctx.tx.broadcast(BroadcastId::from_raw(id)).await?.filter(|b| b.status == BroadcastStatus::Draft))
}

async fn refreshed(ctx: &mut UpdateContext, language: Language, menu: u64, id: i64) -> Result<Shown, HandlerError> {
    Ok(match ctx.tx.broadcast(BroadcastId::from_raw(id)).await? {
        Some(b) => Shown::screen(view(language, menu, &b)),
        None => Shown::toast(gone(language)),
    })
}

fn home(language: Language, menu: u64) -> Screen {
    home_with(language, menu, t(language, "bc-title"))
}

fn home_with(language: Language, menu: u64, text: String) -> Screen {
    screen(
        text,
        vec![
            vec![op(t(language, "bc-btn-new"), menu, AREA, 'n', 0, 0)],
            vec![op(t(language, "bc-btn-list"), menu, AREA, 'l', 0, 0)],
            vec![admin_home(language, menu)],
        ],
    )
}

fn ask_button(language: Language, menu: u64, id: i64) -> Screen {
    screen(
        t(language, "bc-button-ask"),
        vec![vec![op(t(language, "mng-cancel"), menu, AREA, 'v', id.unsigned_abs(), 0)]],
    )
}

/// A draft's editor, or a started broadcast's progress.
fn view(language: Language, menu: u64, b: &Broadcast) -> Screen {
    let id = b.id.get().unsigned_abs();
    if b.status != BroadcastStatus::Draft {
        let mut rows = vec![vec![op(t(language, "bc-btn-refresh"), menu, AREA, 'v', id, 0)]];
        if b.status == BroadcastStatus::Running {
            rows.push(vec![op(t(language, "bc-btn-cancel"), menu, AREA, 'k', id, 0)]);
        }
        rows.push(vec![op(t(language, "btn-back"), menu, AREA, 'l', 0, 0)]);
        let progress = BroadcastProgress::new(b.clone(), 0.0);
        let audience = audience_name(language, b.audience);
        let head = t_args(language, "bc-audience-line", &[("audience", &audience)]);
        let body = text(&progress, if b.reported { TextKind::Report } else { TextKind::Progress });
        return screen(format!("{body}\n{head}"), rows);
    }
    let kind = t(language, if b.message.photo_file_id.is_some() { "bc-kind-photo" } else { "bc-kind-text" });
    let button = match &b.message.button {
        Some(button) => format!("{} → {}", button.label, button.url),
        None => t(language, "bc-no-button"),
    };
    let mut snippet: String = b.message.text.as_deref().unwrap_or_default().chars().take(SNIPPET).collect();
    if b.message.text.as_deref().is_some_and(|t| t.chars().count() > SNIPPET) {
        snippet.push('…');
    }
    let text = t_args(
        language,
        "bc-draft",
        &[("id", &b.id.to_string()), ("kind", &kind), ("button", &button), ("text", &snippet)],
    );
    let mut rows = vec![vec![op(t(language, "bc-btn-audience"), menu, AREA, 'a', id, 0)]];
    let mut button_row = vec![op(t(language, "bc-btn-button"), menu, AREA, 'b', id, 0)];
    if b.message.button.is_some() {
        button_row.push(op(t(language, "bc-btn-remove-button"), menu, AREA, 'r', id, 0));
    }
    rows.push(button_row);
    rows.push(vec![op(t(language, "bc-btn-discard"), menu, AREA, 'x', id, 0)]);
    rows.push(vec![area_home(language, menu, AREA)]);
    screen(text, rows)
}

/// The four audiences with how many customers each reaches now.
async fn audiences(ctx: &mut UpdateContext, language: Language, menu: u64, id: i64) -> Result<Screen, HandlerError> {
    let mut rows = Vec::new();
    for (i, audience) in Audience::ALL.into_iter().enumerate() {
        let size = ctx.tx.audience_size(audience).await?;
        let label = t_args(
            language,
            "bc-audience-button",
            &[("name", &audience_name(language, audience)), ("count", &size.reachable.to_string())],
        );
        rows.push(vec![op(label, menu, AREA, 'p', id.unsigned_abs(), i as u64)]);
    }
    rows.push(vec![op(t(language, "btn-back"), menu, AREA, 'v', id.unsigned_abs(), 0)]);
    Ok(screen(t(language, "bc-audience-title"), rows))
}

fn confirm_screen(language: Language, menu: u64, id: i64, audience: Audience, reachable: i64, skipped: i64) -> Screen {
    let index = Audience::ALL.iter().position(|a| *a == audience).unwrap_or(0) as u64;
    let id = id.unsigned_abs();
    let text = t_args(
        language,
        "bc-confirm",
        &[
            ("audience", &audience_name(language, audience)),
            ("count", &reachable.to_string()),
            ("skipped", &skipped.to_string()),
        ],
    );
    let send = t_args(language, "bc-btn-send", &[("count", &reachable.to_string())]);
    screen(
        text,
        vec![
            vec![op(send, menu, AREA, 'c', id, index)],
            vec![op(t(language, "bc-btn-change-audience"), menu, AREA, 'a', id, 0)],
            vec![op(t(language, "bc-btn-edit"), menu, AREA, 'v', id, 0)],
        ],
    )
}

/// Starts the draft: the audience is snapshotted in this update's transaction;
/// a second press finds it no longer a draft and starts nothing.
async fn confirm(
    ctx: &mut UpdateContext,
    language: Language,
    menu: u64,
    id: i64,
    audience: Audience,
) -> Result<Shown, HandlerError> {
    if ctx.tx.audience_size(audience).await?.reachable == 0 {
        return Ok(Shown::toast(t(language, "bc-nobody")));
    }
    let Some(b) = ctx.tx.start_broadcast(BroadcastId::from_raw(id), audience).await? else {
        return Ok(Shown::toast(t(language, "bc-not-draft")));
    };
    let text = t_args(
        language,
        "bc-started",
        &[("id", &b.id.to_string()), ("count", &(b.counts.total - b.counts.skipped).to_string())],
    );
    let rows = vec![
        vec![op(t(language, "bc-btn-refresh"), menu, AREA, 'v', b.id.get().unsigned_abs(), 0)],
        vec![op(t(language, "bc-btn-list"), menu, AREA, 'l', 0, 0)],
        vec![admin_home(language, menu)],
    ];
    Ok(Shown::screen(screen(text, rows)))
}

async fn list(ctx: &mut UpdateContext, language: Language, menu: u64, page: u64) -> Result<Screen, HandlerError> {
    let (limit, offset) = window(page);
    let mut items = ctx.tx.recent_broadcasts(limit, offset).await?;
    let more = trim(&mut items);
    let mut rows: Vec<Vec<InlineButton>> = items
        .iter()
        .map(|b| {
            let label = t_args(
                language,
                "bc-list-item",
                &[
                    ("id", &b.id.to_string()),
                    ("status", &status_name(language, b.status)),
                    ("sent", &b.counts.sent.to_string()),
                    ("total", &b.counts.total.to_string()),
                ],
            );
            vec![op(label, menu, AREA, 'v', b.id.get().unsigned_abs(), 0)]
        })
        .collect();
    rows.extend(pager(menu, AREA, 'l', 0, page, more));
    rows.push(vec![area_home(language, menu, AREA)]);
    let title = if items.is_empty() && page == 0 { "bc-list-empty" } else { "bc-list-title" };
    Ok(screen(t(language, title), rows))
}

fn audience_name(language: Language, audience: Audience) -> String {
    t(
        language,
        match audience {
            Audience::All => "bc-aud-all",
            Audience::Active => "bc-aud-active",
            Audience::Expired => "bc-aud-expired",
            Audience::NeverBought => "bc-aud-never",
        },
    )
}

fn status_name(language: Language, status: BroadcastStatus) -> String {
    t(
        language,
        match status {
            BroadcastStatus::Draft => "bc-status-draft",
            BroadcastStatus::Running => "bc-status-running",
            BroadcastStatus::Cancelled => "bc-status-cancelled",
            BroadcastStatus::Done => "bc-status-done",
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_op_letter_is_handled() {
        for c in OPS {
            assert!(Op::of(*c).is_some(), "{c}");
        }
        assert!(Op::of('z').is_none());
    }

    #[test]
    fn buttons_need_a_label_and_an_https_url() {
        let ok = parse_button(" Open shop | https://shop.example.com/plans?x=1 ").unwrap();
        assert_eq!((ok.label.as_str(), ok.url.as_str()), ("Open shop", "https://shop.example.com/plans?x=1"));
        assert!(parse_button("https://example.com").is_err(), "no separator");
        assert_eq!(parse_button(" | https://example.com"), Err("bc-button-label"));
        assert_eq!(parse_button(&format!("{} | https://a.example", "x".repeat(65))), Err("bc-button-label"));
        for url in [
            "http://example.com",
            "https://",
            "https://localhost",
            "https://exa mple.com",
            "https://user@example.com",
            "https://.example.com",
            "https://example..com",
            "https://example.com:port",
            "javascript:alert(1)",
        ] {
            assert_eq!(parse_button(&format!("Go | {url}")), Err("bc-button-url"), "{url}");
        }
        assert!(parse_button("Go | https://t.me/shop_bot").is_ok());
        assert!(parse_button("Go | https://example.com:8443/x").is_ok());
    }

    #[test]
    fn composing_checks_telegram_limits() {
        assert_eq!(compose(Input::Text("  ")), Err("bc-empty"));
        assert_eq!(compose(Input::Text(&"a".repeat(MAX_TEXT + 1))), Err("bc-text-too-long"));
        let text = compose(Input::Text(" Hello ")).unwrap();
        assert_eq!(text.text.as_deref(), Some("Hello"));
        let long = "c".repeat(MAX_CAPTION + 1);
        assert_eq!(compose(Input::Photo { file_id: "f", caption: Some(&long) }), Err("bc-caption-too-long"));
        let photo = compose(Input::Photo { file_id: "f", caption: Some(" ") }).unwrap();
        assert_eq!((photo.text, photo.photo_file_id.as_deref()), (None, Some("f")));
    }

    #[test]
    fn clocks() {
        assert_eq!(clock(5), "0:05");
        assert_eq!(clock(125), "2:05");
        assert_eq!(clock(3725), "1:02:05");
    }
}
