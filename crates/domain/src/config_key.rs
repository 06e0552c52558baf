//! Typed per-tenant configuration: a closed set of keys, each with a value type,
//! a validation rule, a default and an audience (who may change it).

use crate::{ChatId, Currency, Language};
use serde_json::Value as Json;
use std::fmt;
use std::str::FromStr;

/// Who may change a configuration key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigAudience {
    /// The tenant's admins (bot menus, tenant API) and the platform.
    Tenant,
    /// Only the platform owner (CLI, master bot, platform API).
    Platform,
}

/// A configuration key. Closed set: unknown keys are refused at the edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConfigKey {
    /// Language for customers whose Telegram language we do not speak.
    DefaultLanguage,
    /// Currency the tenant prices in.
    Currency,
    /// Length of the free trial, in days.
    TrialDays,
    /// Traffic of the free trial, in megabytes.
    TrialTrafficMb,
    /// Where customers reach a human: a `@username` or an `https://` link.
    SupportContact,
    /// Chat that receives receipts, tickets and alerts (a user, group or supergroup id).
    AdminChatId,
    /// In an admin chat that is a forum (a group with topics): the topic
    /// (`message_thread_id`) receipts, tickets, alerts and summaries go to.
    AdminTopicId,
    /// Days before expiry on which customers are reminded, e.g. `3,1`.
    ReminderDays,
    /// Percent of a referee's purchase credited to the referrer.
    ReferralRewardPercent,
    /// Platform-only: most customers this tenant may have (`unlimited` for no cap).
    MaxCustomers,
    /// Platform-only: most admins this tenant may have.
    MaxAdmins,
    /// Platform-only: requests per minute allowed per tenant API token.
    ApiRateLimitPerMinute,
    /// Platform-only: whether the tenant may bring its own VPN panel.
    OwnPanelAllowed,
    /// How the next payment card is chosen: `round_robin`, `weighted` or `least_used`.
    CardRotation,
    /// Add a small unique amount to each card-to-card payment so admins can match the bank's SMS.
    CardUniqueAmount,
    /// Minutes a customer has to pay a card-to-card or Stars payment before it closes itself.
    PaymentMinutes,
    /// Smallest card-to-card payment, in the tenant's currency.
    CardToCardMin,
    /// Largest card-to-card payment, in the tenant's currency.
    CardToCardMax,
    /// Smallest Zarinpal payment, in the tenant's currency.
    ZarinpalMin,
    /// Largest Zarinpal payment, in the tenant's currency.
    ZarinpalMax,
    /// Smallest top-up paid in Stars, in the tenant's currency.
    TelegramStarsMin,
    /// Largest top-up paid in Stars, in the tenant's currency.
    TelegramStarsMax,
    /// How much of the tenant's currency one Telegram Star buys (Stars stay off until set).
    StarsRate,
    /// Platform-only, master bot: the plans a new reseller picks from when
    /// opening a shop, as `name=activation fee` pairs in the master's currency
    /// (e.g. `basic=500000,pro=2000000`). Unset: onboarding offers nothing.
    OnboardingPlans,
    /// Platform-only, master bot: whether a paid onboarding request waits for
    /// a platform admin's approval before the shop is created.
    OnboardingApproval,
}

/// One plan a prospective reseller may pick in the master bot (see
/// [`ConfigKey::OnboardingPlans`]): a name and its one-time activation fee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnboardingPlan {
    /// What the plan is called (1-32 letters, digits, `_` or `-`).
    pub name: String,
    /// The activation fee, in minor units of the master bot's currency (0 = free).
    pub fee: i64,
}

/// Reads the canonical `name=fee,…` text of [`ConfigKey::OnboardingPlans`]
/// (1 to 5 plans, distinct names, fees from 0 to 10^12). `None` when malformed.
pub fn parse_onboarding_plans(text: &str) -> Option<Vec<OnboardingPlan>> {
    let mut plans: Vec<OnboardingPlan> = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, fee) = part.split_once('=')?;
        let name = name.trim();
        let fee: i64 = fee.trim().parse().ok()?;
        let name_ok =
            (1..=32).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !name_ok || !(0..=1_000_000_000_000).contains(&fee) || plans.iter().any(|p| p.name == name) {
            return None;
        }
        plans.push(OnboardingPlan { name: name.to_owned(), fee });
    }
    (1..=5).contains(&plans.len()).then_some(plans)
}

/// How the card shown for the next card-to-card payment is chosen among the
/// tenant's active cards that can still take the amount today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardRotation {
    /// Each card in turn (the one assigned longest ago).
    RoundRobin,
    /// In proportion to each card's weight (smoothly, not at random).
    Weighted,
    /// The card with the smallest amount assigned today.
    LeastUsed,
}

impl CardRotation {
    /// The stored and typed spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::RoundRobin => "round_robin",
            Self::Weighted => "weighted",
            Self::LeastUsed => "least_used",
        }
    }
}

impl FromStr for CardRotation {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        [Self::RoundRobin, Self::Weighted, Self::LeastUsed].into_iter().find(|r| r.as_str() == s).ok_or(())
    }
}

/// A validated configuration value. Stored as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigValue {
    /// A yes/no switch.
    Bool(bool),
    /// A whole number within the key's range.
    Int(i64),
    /// A whole number, or no limit at all.
    Limit(Option<i64>),
    /// Free text that passed the key's rule.
    Text(String),
    /// A language.
    Language(Language),
    /// A currency.
    Currency(Currency),
    /// A Telegram chat id.
    Chat(ChatId),
    /// Distinct whole numbers, largest first.
    IntList(Vec<i64>),
    /// A card rotation strategy.
    Rotation(CardRotation),
    /// Explicitly unset (the key's default is "nothing").
    Unset,
}

/// Why a configuration key or value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The key is not one of [`ConfigKey::ALL`].
    #[error("unknown configuration key `{0}`")]
    UnknownKey(String),
    /// The value does not have the key's type or is out of range.
    #[error("invalid value for `{key}`: expected {expected}")]
    InvalidValue {
        /// The key being set.
        key: ConfigKey,
        /// What the key accepts, in words.
        expected: &'static str,
    },
    /// A tenant tried to change a platform-only key.
    #[error("`{0}` can only be changed by the platform owner")]
    PlatformOnly(ConfigKey),
}

impl ConfigKey {
    /// Every key, in display order.
    pub const ALL: [ConfigKey; 25] = [
        Self::DefaultLanguage,
        Self::Currency,
        Self::TrialDays,
        Self::TrialTrafficMb,
        Self::SupportContact,
        Self::AdminChatId,
        Self::AdminTopicId,
        Self::ReminderDays,
        Self::ReferralRewardPercent,
        Self::MaxCustomers,
        Self::MaxAdmins,
        Self::ApiRateLimitPerMinute,
        Self::OwnPanelAllowed,
        Self::CardRotation,
        Self::CardUniqueAmount,
        Self::PaymentMinutes,
        Self::CardToCardMin,
        Self::CardToCardMax,
        Self::ZarinpalMin,
        Self::ZarinpalMax,
        Self::TelegramStarsMin,
        Self::TelegramStarsMax,
        Self::StarsRate,
        Self::OnboardingPlans,
        Self::OnboardingApproval,
    ];

    /// The stored and typed key.
    pub const fn key(self) -> &'static str {
        match self {
            Self::DefaultLanguage => "default_language",
            Self::Currency => "currency",
            Self::TrialDays => "trial_days",
            Self::TrialTrafficMb => "trial_traffic_mb",
            Self::SupportContact => "support_contact",
            Self::AdminChatId => "admin_chat_id",
            Self::AdminTopicId => "admin_topic_id",
            Self::ReminderDays => "reminder_days",
            Self::ReferralRewardPercent => "referral_reward_percent",
            Self::MaxCustomers => "max_customers",
            Self::MaxAdmins => "max_admins",
            Self::ApiRateLimitPerMinute => "api_rate_limit_per_minute",
            Self::OwnPanelAllowed => "own_panel_allowed",
            Self::CardRotation => "card_rotation",
            Self::CardUniqueAmount => "card_unique_amount",
            Self::PaymentMinutes => "payment_minutes",
            Self::CardToCardMin => "card_to_card_min",
            Self::CardToCardMax => "card_to_card_max",
            Self::ZarinpalMin => "zarinpal_min",
            Self::ZarinpalMax => "zarinpal_max",
            Self::TelegramStarsMin => "telegram_stars_min",
            Self::TelegramStarsMax => "telegram_stars_max",
            Self::StarsRate => "stars_rate",
            Self::OnboardingPlans => "onboarding_plans",
            Self::OnboardingApproval => "onboarding_approval",
        }
    }

    /// Who may change the key. No default arm: a new key does not compile
    /// until someone decides whether every tenant may edit it.
    pub const fn audience(self) -> ConfigAudience {
        match self {
            Self::MaxCustomers
            | Self::MaxAdmins
            | Self::ApiRateLimitPerMinute
            | Self::OwnPanelAllowed
            | Self::OnboardingPlans
            | Self::OnboardingApproval => ConfigAudience::Platform,
            Self::DefaultLanguage
            | Self::Currency
            | Self::TrialDays
            | Self::TrialTrafficMb
            | Self::SupportContact
            | Self::AdminChatId
            | Self::AdminTopicId
            | Self::ReminderDays
            | Self::ReferralRewardPercent
            | Self::CardRotation
            | Self::CardUniqueAmount
            | Self::PaymentMinutes
            | Self::CardToCardMin
            | Self::CardToCardMax
            | Self::ZarinpalMin
            | Self::ZarinpalMax
            | Self::TelegramStarsMin
            | Self::TelegramStarsMax
            | Self::StarsRate => ConfigAudience::Tenant,
        }
    }

    /// The key's stable code: what buttons (callback data) and stored admin
    /// flows name it by, so adding or reordering keys in [`Self::ALL`] never
    /// re-targets a button already sent. Fixed forever per key and never
    /// reused, even when a key is retired; a new key takes the next unused
    /// number. (The first 25 are the keys' places in `ALL` when codes were
    /// introduced, so buttons sent before still mean the same key.)
    pub const fn code(self) -> u16 {
        match self {
            Self::DefaultLanguage => 0,
            Self::Currency => 1,
            Self::TrialDays => 2,
            Self::TrialTrafficMb => 3,
            Self::SupportContact => 4,
            Self::AdminChatId => 5,
            Self::AdminTopicId => 6,
            Self::ReminderDays => 7,
            Self::ReferralRewardPercent => 8,
            Self::MaxCustomers => 9,
            Self::MaxAdmins => 10,
            Self::ApiRateLimitPerMinute => 11,
            Self::OwnPanelAllowed => 12,
            Self::CardRotation => 13,
            Self::CardUniqueAmount => 14,
            Self::PaymentMinutes => 15,
            Self::CardToCardMin => 16,
            Self::CardToCardMax => 17,
            Self::ZarinpalMin => 18,
            Self::ZarinpalMax => 19,
            Self::TelegramStarsMin => 20,
            Self::TelegramStarsMax => 21,
            Self::StarsRate => 22,
            Self::OnboardingPlans => 23,
            Self::OnboardingApproval => 24,
        }
    }

    /// The key whose [`Self::code`] is `code`, if any.
    pub fn from_code(code: u16) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// What the key accepts, in words (for errors and help).
    pub const fn expected(self) -> &'static str {
        match self {
            Self::DefaultLanguage => "one of fa, ru, en",
            Self::Currency => "IRR or IRT",
            Self::TrialDays => "a whole number of days from 1 to 30",
            Self::TrialTrafficMb => "a whole number of megabytes from 1 to 1048576",
            Self::SupportContact => "a @username (5-32 letters, digits or _) or an https:// link",
            Self::AdminChatId => "a Telegram chat id (a non-zero whole number, negative for groups)",
            Self::AdminTopicId => "a topic id of the admin group (a whole number from 1)",
            Self::ReminderDays => "up to 5 distinct whole numbers of days from 1 to 30, comma-separated",
            Self::ReferralRewardPercent => "a whole number from 0 to 100",
            Self::MaxCustomers => "a whole number from 1, or `unlimited`",
            Self::MaxAdmins => "a whole number from 1 to 100",
            Self::ApiRateLimitPerMinute => "a whole number from 1 to 100000",
            Self::OwnPanelAllowed | Self::CardUniqueAmount | Self::OnboardingApproval => "on or off",
            Self::OnboardingPlans => {
                "1 to 5 `name=fee` pairs, comma-separated (fee a whole amount of the master's currency)"
            }
            Self::CardRotation => "round_robin, weighted or least_used",
            Self::PaymentMinutes => "a whole number of minutes from 5 to 1440",
            Self::CardToCardMin
            | Self::CardToCardMax
            | Self::ZarinpalMin
            | Self::ZarinpalMax
            | Self::TelegramStarsMin
            | Self::TelegramStarsMax => "a whole amount in the tenant's currency from 1 to 1000000000000",
            Self::StarsRate => "a whole amount of the tenant's currency per Star, from 1 to 1000000000",
        }
    }

    /// The value a tenant has until someone sets the key.
    pub fn default_value(self) -> ConfigValue {
        match self {
            Self::DefaultLanguage => ConfigValue::Language(Language::Fa),
            Self::Currency => ConfigValue::Currency(Currency::Irt),
            Self::TrialDays => ConfigValue::Int(1),
            Self::TrialTrafficMb => ConfigValue::Int(1024),
            Self::SupportContact | Self::AdminChatId | Self::AdminTopicId => ConfigValue::Unset,
            Self::ReminderDays => ConfigValue::IntList(vec![3, 1]),
            Self::ReferralRewardPercent => ConfigValue::Int(10),
            Self::MaxCustomers => ConfigValue::Limit(None),
            Self::MaxAdmins => ConfigValue::Int(10),
            Self::ApiRateLimitPerMinute => ConfigValue::Int(600),
            Self::OwnPanelAllowed => ConfigValue::Bool(false),
            Self::CardRotation => ConfigValue::Rotation(CardRotation::RoundRobin),
            Self::CardUniqueAmount => ConfigValue::Bool(true),
            Self::PaymentMinutes => ConfigValue::Int(60),
            Self::CardToCardMin | Self::ZarinpalMin | Self::TelegramStarsMin => ConfigValue::Int(10_000),
            Self::CardToCardMax | Self::ZarinpalMax | Self::TelegramStarsMax => ConfigValue::Int(100_000_000),
            Self::StarsRate | Self::OnboardingPlans => ConfigValue::Unset,
            Self::OnboardingApproval => ConfigValue::Bool(false),
        }
    }

    /// Parses a value typed by a person (CLI, bot, API).
    pub fn parse_value(self, text: &str) -> Result<ConfigValue, ConfigError> {
        let bad = || ConfigError::InvalidValue { key: self, expected: self.expected() };
        let text = text.trim();
        let int_in = |lo: i64, hi: i64| -> Result<i64, ConfigError> {
            let n: i64 = text.parse().map_err(|_| bad())?;
            if (lo..=hi).contains(&n) { Ok(n) } else { Err(bad()) }
        };
        Ok(match self {
            Self::DefaultLanguage => ConfigValue::Language(text.parse().map_err(|_| bad())?),
            Self::Currency => ConfigValue::Currency(text.parse().map_err(|_| bad())?),
            Self::TrialDays => ConfigValue::Int(int_in(1, 30)?),
            Self::TrialTrafficMb => ConfigValue::Int(int_in(1, 1_048_576)?),
            Self::SupportContact => ConfigValue::Text(parse_contact(text).ok_or_else(bad)?),
            Self::AdminChatId => ConfigValue::Chat(text.parse().map_err(|_| bad())?),
            Self::AdminTopicId => ConfigValue::Int(int_in(1, i64::from(i32::MAX))?),
            Self::ReminderDays => ConfigValue::IntList(parse_days(text).ok_or_else(bad)?),
            Self::ReferralRewardPercent => ConfigValue::Int(int_in(0, 100)?),
            Self::MaxCustomers if text.eq_ignore_ascii_case("unlimited") => ConfigValue::Limit(None),
            Self::MaxCustomers => ConfigValue::Limit(Some(int_in(1, i64::MAX)?)),
            Self::MaxAdmins => ConfigValue::Int(int_in(1, 100)?),
            Self::ApiRateLimitPerMinute => ConfigValue::Int(int_in(1, 100_000)?),
            Self::OwnPanelAllowed | Self::CardUniqueAmount | Self::OnboardingApproval => {
                ConfigValue::Bool(parse_switch(text).ok_or_else(bad)?)
            }
            Self::OnboardingPlans => {
                let plans = parse_onboarding_plans(text).ok_or_else(bad)?;
                let canonical: Vec<String> = plans.iter().map(|p| format!("{}={}", p.name, p.fee)).collect();
                ConfigValue::Text(canonical.join(","))
            }
            Self::CardRotation => ConfigValue::Rotation(text.to_ascii_lowercase().parse().map_err(|_| bad())?),
            Self::PaymentMinutes => ConfigValue::Int(int_in(5, 1440)?),
            Self::CardToCardMin
            | Self::CardToCardMax
            | Self::ZarinpalMin
            | Self::ZarinpalMax
            | Self::TelegramStarsMin
            | Self::TelegramStarsMax => ConfigValue::Int(int_in(1, 1_000_000_000_000)?),
            Self::StarsRate => ConfigValue::Int(int_in(1, 1_000_000_000)?),
        })
    }

    /// Parses a stored JSON value, re-checking it against today's rules.
    pub fn from_json(self, json: &Json) -> Result<ConfigValue, ConfigError> {
        let text = match json {
            Json::Null => return Ok(ConfigValue::Unset),
            Json::String(s) => s.clone(),
            Json::Bool(b) => if *b { "on" } else { "off" }.to_owned(),
            Json::Number(n) => n.to_string(),
            Json::Array(items) => items.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(","),
            Json::Object(_) => {
                return Err(ConfigError::InvalidValue { key: self, expected: self.expected() });
            }
        };
        self.parse_value(&text)
    }

    /// Refuses platform-only keys for tenant-side callers.
    pub fn check_tenant_may_edit(self) -> Result<(), ConfigError> {
        match self.audience() {
            ConfigAudience::Tenant => Ok(()),
            ConfigAudience::Platform => Err(ConfigError::PlatformOnly(self)),
        }
    }
}

impl ConfigValue {
    /// The JSON stored in the database.
    pub fn to_json(&self) -> Json {
        match self {
            Self::Bool(b) => Json::Bool(*b),
            Self::Int(n) => Json::from(*n),
            Self::Limit(Some(n)) => Json::from(*n),
            Self::Limit(None) => Json::String("unlimited".into()),
            Self::Text(s) => Json::String(s.clone()),
            Self::Language(l) => Json::String(l.code().into()),
            Self::Currency(c) => Json::String(c.code().into()),
            Self::Chat(c) => Json::from(c.0),
            Self::IntList(v) => Json::from(v.clone()),
            Self::Rotation(r) => Json::String(r.as_str().into()),
            Self::Unset => Json::Null,
        }
    }
}

impl fmt::Display for ConfigValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bool(b) => f.write_str(if *b { "on" } else { "off" }),
            Self::Int(n) | Self::Limit(Some(n)) => write!(f, "{n}"),
            Self::Limit(None) => f.write_str("unlimited"),
            Self::Text(s) => f.write_str(s),
            Self::Language(l) => f.write_str(l.code()),
            Self::Currency(c) => f.write_str(c.code()),
            Self::Chat(c) => write!(f, "{c}"),
            Self::IntList(v) => {
                let parts: Vec<String> = v.iter().map(i64::to_string).collect();
                f.write_str(&parts.join(","))
            }
            Self::Rotation(r) => f.write_str(r.as_str()),
            Self::Unset => f.write_str("(not set)"),
        }
    }
}

impl fmt::Display for ConfigKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for ConfigKey {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|k| k.key() == s).ok_or_else(|| ConfigError::UnknownKey(s.to_owned()))
    }
}

/// `on`/`off` and the usual spellings of yes and no.
pub fn parse_switch(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "on" | "true" | "yes" | "1" | "enabled" => Some(true),
        "off" | "false" | "no" | "0" | "disabled" => Some(false),
        _ => None,
    }
}

fn parse_contact(text: &str) -> Option<String> {
    if let Some(name) = text.strip_prefix('@') {
        let ok = (5..=32).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        return ok.then(|| text.to_owned());
    }
    let ok = text.starts_with("https://")
        && text.len() > "https://".len()
        && text.len() <= 256
        && !text.contains(char::is_whitespace);
    ok.then(|| text.to_owned())
}

fn parse_days(text: &str) -> Option<Vec<i64>> {
    let mut days = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let d: i64 = part.parse().ok()?;
        if !(1..=30).contains(&d) || days.contains(&d) {
            return None;
        }
        days.push(d);
    }
    if days.len() > 5 {
        return None;
    }
    days.sort_unstable_by(|a, b| b.cmp(a));
    Some(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_round_trips_and_defaults_survive_storage() {
        for key in ConfigKey::ALL {
            assert_eq!(key.key().parse::<ConfigKey>().unwrap(), key);
            let default = key.default_value();
            assert_eq!(key.from_json(&default.to_json()).unwrap(), default, "{key}");
        }
    }

    #[test]
    fn onboarding_plans_parse_canonically() {
        let value = ConfigKey::OnboardingPlans.parse_value(" basic = 500000, pro=2000000 ").unwrap();
        assert_eq!(value, ConfigValue::Text("basic=500000,pro=2000000".into()));
        let plans = parse_onboarding_plans("basic=500000,pro=2000000").unwrap();
        assert_eq!(plans[1], OnboardingPlan { name: "pro".into(), fee: 2_000_000 });
        assert!(ConfigKey::OnboardingPlans.parse_value("basic=5,basic=6").is_err());
        assert!(ConfigKey::OnboardingPlans.parse_value("basic").is_err());
        assert!(ConfigKey::OnboardingPlans.parse_value("a=-1").is_err());
        assert!(ConfigKey::OnboardingPlans.parse_value("").is_err());
        assert_eq!(ConfigKey::OnboardingApproval.audience(), ConfigAudience::Platform);
    }

    #[test]
    fn typed_values_are_validated() {
        assert_eq!(ConfigKey::TrialDays.parse_value("7").unwrap(), ConfigValue::Int(7));
        assert!(ConfigKey::TrialDays.parse_value("0").is_err());
        assert!(ConfigKey::TrialDays.parse_value("seven").is_err());
        assert_eq!(ConfigKey::DefaultLanguage.parse_value("ru").unwrap(), ConfigValue::Language(Language::Ru));
        assert!(ConfigKey::DefaultLanguage.parse_value("de").is_err());
        assert_eq!(ConfigKey::ReminderDays.parse_value("1, 3,7").unwrap(), ConfigValue::IntList(vec![7, 3, 1]));
        assert!(ConfigKey::ReminderDays.parse_value("3,3").is_err());
        assert!(ConfigKey::SupportContact.parse_value("@ab").is_err());
        assert!(ConfigKey::SupportContact.parse_value("@support_team").is_ok());
        assert!(ConfigKey::SupportContact.parse_value("http://x").is_err());
        assert_eq!(ConfigKey::AdminChatId.parse_value("-100123").unwrap(), ConfigValue::Chat(ChatId(-100123)));
        assert_eq!(ConfigKey::MaxCustomers.parse_value("Unlimited").unwrap(), ConfigValue::Limit(None));
        assert_eq!(ConfigKey::OwnPanelAllowed.parse_value("yes").unwrap(), ConfigValue::Bool(true));
    }

    #[test]
    fn errors_say_what_is_expected() {
        let err = ConfigKey::TrialDays.parse_value("x").unwrap_err().to_string();
        assert_eq!(err, "invalid value for `trial_days`: expected a whole number of days from 1 to 30");
    }

    /// Every key's code, as buttons already sent carry it. A code never
    /// changes and is never given to another key: add new keys at the end.
    const CODES: [(ConfigKey, u16); 25] = [
        (ConfigKey::DefaultLanguage, 0),
        (ConfigKey::Currency, 1),
        (ConfigKey::TrialDays, 2),
        (ConfigKey::TrialTrafficMb, 3),
        (ConfigKey::SupportContact, 4),
        (ConfigKey::AdminChatId, 5),
        (ConfigKey::AdminTopicId, 6),
        (ConfigKey::ReminderDays, 7),
        (ConfigKey::ReferralRewardPercent, 8),
        (ConfigKey::MaxCustomers, 9),
        (ConfigKey::MaxAdmins, 10),
        (ConfigKey::ApiRateLimitPerMinute, 11),
        (ConfigKey::OwnPanelAllowed, 12),
        (ConfigKey::CardRotation, 13),
        (ConfigKey::CardUniqueAmount, 14),
        (ConfigKey::PaymentMinutes, 15),
        (ConfigKey::CardToCardMin, 16),
        (ConfigKey::CardToCardMax, 17),
        (ConfigKey::ZarinpalMin, 18),
        (ConfigKey::ZarinpalMax, 19),
        (ConfigKey::TelegramStarsMin, 20),
        (ConfigKey::TelegramStarsMax, 21),
        (ConfigKey::StarsRate, 22),
        (ConfigKey::OnboardingPlans, 23),
        (ConfigKey::OnboardingApproval, 24),
    ];

    #[test]
    fn codes_are_stable_and_unique() {
        for (key, code) in CODES {
            assert_eq!(key.code(), code, "{key}: a code never changes");
            assert_eq!(ConfigKey::from_code(code), Some(key));
        }
        assert_eq!(CODES.len(), ConfigKey::ALL.len(), "every key is pinned here");
        let mut codes: Vec<u16> = ConfigKey::ALL.iter().map(|k| k.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ConfigKey::ALL.len(), "two keys share a code");
        assert_eq!(ConfigKey::from_code(u16::MAX), None);
    }

    /// The compiler checks that `audience` decides every key only while its
    /// match has no wildcard arm; with `_ => Tenant` back, a forgotten
    /// platform-only key would silently become editable by every tenant.
    #[test]
    fn audience_names_every_key_without_a_default() {
        let source = include_str!("config_key.rs");
        let body = source.split("pub const fn audience(self)").nth(1).and_then(|rest| rest.split("\n    }\n").next());
        let body = body.expect("ConfigKey::audience");
        assert!(!body.contains("_ =>"), "audience() must not have a default arm");
        for key in ConfigKey::ALL {
            assert!(body.contains(&format!("Self::{key:?}\n")) || body.contains(&format!("Self::{key:?} ")), "{key:?}");
        }
    }

    #[test]
    fn platform_only_keys_are_exactly_these() {
        let platform: Vec<ConfigKey> =
            ConfigKey::ALL.into_iter().filter(|k| k.audience() == ConfigAudience::Platform).collect();
        let expected = [
            ConfigKey::MaxCustomers,
            ConfigKey::MaxAdmins,
            ConfigKey::ApiRateLimitPerMinute,
            ConfigKey::OwnPanelAllowed,
            ConfigKey::OnboardingPlans,
            ConfigKey::OnboardingApproval,
        ];
        assert_eq!(platform, expected);
    }

    #[test]
    fn platform_only_keys_are_refused_for_tenants() {
        assert!(ConfigKey::TrialDays.check_tenant_may_edit().is_ok());
        assert_eq!(ConfigKey::MaxAdmins.check_tenant_may_edit(), Err(ConfigError::PlatformOnly(ConfigKey::MaxAdmins)));
    }
}
