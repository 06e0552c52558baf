//! Jobs the runtime gives up (claimed more often than their kind allows:
//! they never ended). What one owed is made good and people are told once —
//! a failed job is never claimed again.

use crate::context::language_of;
use crate::i18n::t_args;
use bazar_domain::{ConfigKey, ConfigValue, JobKind};
use bazar_runtime::{BotHandle, Outgoing};
use bazar_shop::{ProvisionOutcome, Provisioner};
use bazar_store::Job;
use bazar_telegram::requests::SendMessage;
use std::sync::Arc;

/// A paid subscription or renewal is refunded, and the customer and the
/// admins hear it as after a last failed attempt; any other job ends failed
/// and the admins hear that a task of the shop stopped.
pub(crate) async fn give_up(provisioner: &Provisioner, bot: &Arc<BotHandle>, job: &Job) -> Vec<Outgoing> {
    let store = provisioner.store();
    match provisioner.give_up(&bot.scope, job).await {
        Ok(ProvisionOutcome::Refunded { subscription, error }) => {
            crate::jobs::notify(store, bot, &subscription, false, Some(error)).await
        }
        Ok(_) if matches!(job.kind, JobKind::Provision(_) | JobKind::Extend(_)) => Vec::new(),
        Ok(_) => admins_told(provisioner, bot, job).await.into_iter().collect(),
        Err(e) => {
            tracing::error!(bot_id = %bot.scope.bot_id(), job = job.id, error = %e, "could not give a job up");
            Vec::new()
        }
    }
}

/// The notice to the shop's admin chat, in the shop's default language.
async fn admins_told(provisioner: &Provisioner, bot: &Arc<BotHandle>, job: &Job) -> Option<Outgoing> {
    let settings = provisioner.store().tenant(&bot.scope).settings().await.ok()?;
    let ConfigValue::Chat(chat) = settings.config(ConfigKey::AdminChatId) else { return None };
    let language = language_of(None, &settings);
    let text = t_args(language, "admin-job-given-up", &[("attempts", &job.attempts.to_string())]);
    let mut notice = Outgoing::call(SendMessage::new(chat.0, text));
    crate::admin_chat::into_topic(&settings, &mut notice);
    Some(notice)
}
