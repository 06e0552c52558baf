//! Pure domain types and rules of Bazar.
//!
//! Everything here *parses* instead of validating: once a value of one of these
//! types exists, it is well-formed (a [`BotToken`] has the shape Telegram issues,
//! a [`ConfigValue`] has the type its [`ConfigKey`] demands). This crate does no
//! IO and knows nothing about databases, HTTP or Telegram's wire format.

mod bot_status;
mod bot_token;
pub mod calendar;
mod card;
mod config_key;
mod feature_flag;
mod iban;
mod ids;
pub mod jobs;
mod language;
mod money;
mod panel;
mod panel_user;
mod plan;
mod promo;
mod redact;
mod status;

pub use bot_status::{BotStatus, UnknownBotStatus};
pub use bot_token::{BotToken, BotTokenError};
pub use card::{
    Bank, CardError, CardNumber, CardRuleError, MAX_DAILY_CAP, check_daily_cap, check_holder, check_weight,
    mask_card_number, mask_card_numbers_in, mask_digit_runs,
};
pub use config_key::{
    CardRotation, ConfigAudience, ConfigError, ConfigKey, ConfigValue, OnboardingPlan, parse_onboarding_plans,
    parse_switch,
};
pub use feature_flag::{FeatureFlag, UnknownFeatureFlag};
pub use iban::{Iban, IbanError};
pub use ids::{
    BotId, BroadcastId, CardId, ChatId, CustomerId, IdError, PanelId, PaymentId, PlanId, PromoId, SubscriptionId,
    TelegramUserId, TicketId,
};
pub use jobs::{JobError, JobKind};
pub use language::{Language, UnknownLanguage};
pub use money::{Charge, Currency, Money, MoneyError, Stars, UnknownCurrency, group_thousands};
pub use panel::{
    CatalogEntry, Choice, CredentialField, CredentialSet, CredentialsError, Labels, OptionField, OptionsChange,
    OptionsError, PanelCapabilities, PanelCatalog, PanelCredentials, PanelKind, PlanOptions, UnknownPanelKind,
    UnreadableCredentials, ValueShape, is_uuid,
};
pub use panel_user::{
    InstallationId, InstallationIdError, NAME_ALPHABET, is_legacy_user_name, legacy_owner_marker, owner_marker,
    panel_user_name,
};
pub use plan::{
    MAX_PRICE, PlanError, PlanNames, check_devices, check_duration, check_price, parse_price, parse_traffic_gb,
};
pub use promo::{PromoBenefit, PromoError, normalize_promo_code};
pub use redact::{REDACTED_BOT_TOKEN, REDACTED_VALUE, is_secret_key, redact_secrets};
pub use status::{EntryKind, PaymentMethod, PaymentStatus, SubscriptionStatus, TicketStatus};
