//! The `panel_health` job: the shop's admins hear, once per outage, that its
//! VPN panel stopped answering (sales paused) and that it answers again
//! (sales resumed). Queued by the store when the periodic probe
//! (`bazar_shop::panel_health`) finds a transition.

use crate::i18n::t_args;
use bazar_domain::Language;
use bazar_domain::jobs::PanelHealthJob;
use bazar_runtime::{BotHandle, Outgoing};
use bazar_store::{Job, JobEnd, Store, StoreError};
use bazar_telegram::requests::SendMessage;
use std::sync::Arc;

/// Runs one `panel_health` job and returns the messages to the admins.
pub(crate) async fn run(
    store: &Store,
    bot: &Arc<BotHandle>,
    job: &Job,
    args: &PanelHealthJob,
    now_ms: i64,
) -> Result<Vec<Outgoing>, StoreError> {
    let tenant = store.tenant(&bot.scope);
    let settings = tenant.settings().await?;
    let mut tx = tenant.begin().await?;
    let chats = crate::admin_chat::recipients(&mut tx, &settings).await?;
    tx.finish_job(job.id, &JobEnd::Done).await?;
    tx.commit().await?;
    Ok(chats
        .into_iter()
        .map(|(chat, language)| {
            let mut message = Outgoing::call(SendMessage::new(chat, text(language, args, now_ms)));
            crate::admin_chat::into_topic(&settings, &mut message);
            message
        })
        .collect())
}

fn text(language: Language, args: &PanelHealthJob, now_ms: i64) -> String {
    if args.down {
        t_args(language, "panel-health-down", &[])
    } else {
        let minutes = ((now_ms - args.since).max(0) / 60_000).max(1);
        t_args(language, "panel-health-up", &[("minutes", &number(language, minutes))])
    }
}

/// A count in the reader's digits.
fn number(language: Language, n: i64) -> String {
    let text = n.to_string();
    match language {
        Language::Fa => text.chars().map(|c| char::from_u32(c as u32 - '0' as u32 + '۰' as u32).unwrap_or(c)).collect(),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outage_is_told_in_minutes_in_the_readers_digits() {
        let up = PanelHealthJob { down: false, since: 0 };
        assert!(text(Language::Fa, &up, 12 * 60_000).contains("۱۲"), "{}", text(Language::Fa, &up, 12 * 60_000));
        assert!(text(Language::Ru, &up, 12 * 60_000).contains("12"));
        assert!(
            text(Language::En, &up, 1_000).contains(" 1 "),
            "a short outage is a minute: {}",
            text(Language::En, &up, 1_000)
        );
        let down = PanelHealthJob { down: true, since: 0 };
        for language in [Language::Fa, Language::Ru, Language::En] {
            assert!(!text(language, &down, 0).contains('{'), "{language:?} has the text");
        }
    }
}
