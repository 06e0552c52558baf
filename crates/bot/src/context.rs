//! What every part of the bot layer reaches: the bot's collaborators
//! ([`CustomerBot`]) and the customer's language. A leaf of the crate's
//! module graph — it imports no other module of the crate — so the handler,
//! the admin areas, the jobs and the payment screens all depend on it and on
//! nothing of each other's that leads back (`tests/modules.rs`).

use bazar_domain::{ConfigKey, ConfigValue, Language};
use bazar_runtime::UpdateContext;
use bazar_shop::Provisioner;
use bazar_shop::payments::zarinpal::ZarinpalGateway;
use bazar_store::PlatformScope;
use std::sync::Arc;

/// The handler of every tenant bot's customers.
pub struct CustomerBot {
    pub(crate) provisioner: Provisioner,
    pub(crate) zarinpal: Arc<ZarinpalGateway>,
    /// Direct Bot API calls made while handling an update (the master bot
    /// checks a pasted token with `getMe`); replies still go through the outbox.
    pub(crate) telegram: bazar_telegram::BotApi,
    /// The master bot's platform access (private: reached only through
    /// [`CustomerBot::master_platform`], so no tenant bot's update gets it).
    platform: PlatformScope,
}

impl CustomerBot {
    /// A customer bot whose subscriptions are provisioned by `provisioner`,
    /// whose gateway payments go through `zarinpal`, which asks Telegram
    /// directly through `telegram` (the configured Bot API URL), and whose
    /// master bot manages the platform with `platform` (handed in by the
    /// composition root).
    pub fn new(
        provisioner: Provisioner,
        zarinpal: Arc<ZarinpalGateway>,
        telegram: bazar_telegram::BotApi,
        platform: PlatformScope,
    ) -> Self {
        Self { provisioner, zarinpal, telegram, platform }
    }

    /// Platform access for an update of the master bot — its platform admins'
    /// area, and self-service onboarding (checking that a pasted token is not
    /// registered yet, creating the applicant's own shop) — and `None` for an
    /// update of any tenant bot. The master's writes (`Platform::*_in`)
    /// additionally refuse any transaction but the master's.
    pub(crate) fn master_platform(&self, ctx: &UpdateContext) -> Option<&PlatformScope> {
        ctx.bot.record.is_master.then_some(&self.platform)
    }
}

/// The customer's language: chosen, else from Telegram at first contact, else the tenant's default.
pub(crate) fn language_of(customer_language: Option<Language>, settings: &bazar_store::TenantSettings) -> Language {
    customer_language.unwrap_or(match settings.config(ConfigKey::DefaultLanguage) {
        ConfigValue::Language(l) => *l,
        _ => Language::Fa,
    })
}
