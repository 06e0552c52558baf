//! Screens: the text and inline keyboard of each menu, in one language.

use crate::callback::{Action, encode};
use crate::i18n::{native_name, t, t_args};
use bazar_domain::{ConfigKey, ConfigValue, FeatureFlag, Language};
use bazar_store::TenantSettings;
use bazar_telegram::{InlineButton, InlineKeyboard};

/// A screen: text plus inline keyboard.
pub struct Screen {
    /// Message text.
    pub text: String,
    /// The inline keyboard under it.
    pub keyboard: InlineKeyboard,
}

pub(crate) fn button(text: String, menu: u64, action: Action) -> InlineButton {
    InlineButton::callback(text, encode(menu, action))
}

/// The main menu: buy, subscriptions, wallet, trial (when on), language, support (when set).
pub fn main_menu(
    language: Language,
    shop: &str,
    settings: &TenantSettings,
    menu: u64,
    intro: Option<String>,
) -> Screen {
    let mut rows = vec![
        vec![button(t(language, "btn-buy"), menu, Action::Plans)],
        vec![
            button(t(language, "btn-my-subs"), menu, Action::Subscriptions),
            button(t(language, "btn-wallet"), menu, Action::Wallet),
        ],
    ];
    if settings.flag(FeatureFlag::Trial) {
        rows.push(vec![button(t(language, "btn-trial"), menu, Action::Trial)]);
    }
    if settings.flag(FeatureFlag::PromoCodes) {
        rows.push(vec![button(t(language, "btn-promo"), menu, Action::Promo)]);
    }
    if settings.flag(FeatureFlag::SupportTickets) {
        rows.push(vec![button(t(language, "btn-ticket"), menu, Action::Support)]);
    }
    if settings.flag(FeatureFlag::Referral) {
        rows.push(vec![button(t(language, "btn-invite"), menu, Action::Invite)]);
    }
    // Only the master bot acts on it (`admin::allowed`); elsewhere the flag is meaningless.
    if settings.flag(FeatureFlag::Onboarding) {
        let open = Action::Admin(crate::callback::AdminArea::Onboarding, crate::callback::AdminOp::new('h'));
        rows.push(vec![button(t(language, "mst-btn-open-shop"), menu, open)]);
    }
    rows.push(vec![button(t(language, "btn-language"), menu, Action::LanguageMenu)]);
    if let ConfigValue::Text(contact) = settings.config(ConfigKey::SupportContact) {
        let url = match contact.strip_prefix('@') {
            Some(name) => format!("https://t.me/{name}"),
            None => contact.clone(),
        };
        rows.push(vec![InlineButton::url(t(language, "btn-support"), url)]);
    }
    let title = t_args(language, "menu-title", &[("shop", shop)]);
    let text = match intro {
        Some(intro) => format!("{intro}\n\n{title}"),
        None => title,
    };
    Screen { text, keyboard: InlineKeyboard::new(rows) }
}

/// The language picker, each language in its own script.
pub fn language_menu(language: Language, menu: u64) -> Screen {
    let rows: Vec<Vec<InlineButton>> = Language::ALL
        .iter()
        .map(|l| {
            let mark = if *l == language { "✅ " } else { "" };
            vec![button(format!("{mark}{}", native_name(*l)), menu, Action::SetLanguage(*l))]
        })
        .chain(std::iter::once(vec![button(t(language, "btn-back"), menu, Action::Home)]))
        .collect();
    Screen { text: t(language, "language-choose"), keyboard: InlineKeyboard::new(rows) }
}
