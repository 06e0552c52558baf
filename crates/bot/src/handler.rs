//! The customer bot: `/start`, the main menu, the language picker.

use crate::callback::{self, Action, Decoded};
use crate::i18n::{t, t_args};
use crate::menu::{Screen, language_menu, main_menu};
use crate::route::Route;
use crate::state::ChatState;
use bazar_domain::{ConfigKey, ConfigValue, Language};
use bazar_runtime::{Handler, HandlerError, Outgoing, UpdateContext};
use futures::future::BoxFuture;
use serde_json::json;

/// The handler of every tenant bot's customers.
#[derive(Debug, Default, Clone, Copy)]
pub struct CustomerBot;

impl Handler for CustomerBot {
    fn handle<'a>(&'a self, ctx: &'a mut UpdateContext) -> BoxFuture<'a, Result<(), HandlerError>> {
        Box::pin(handle(ctx))
    }
}

/// The customer's language: chosen, else from Telegram at first contact, else the tenant's default.
fn language_of(ctx: &UpdateContext) -> Language {
    ctx.customer.language.unwrap_or(match ctx.settings.config(ConfigKey::DefaultLanguage) {
        ConfigValue::Language(l) => *l,
        _ => Language::Fa,
    })
}

async fn handle(ctx: &mut UpdateContext) -> Result<(), HandlerError> {
    let mut state = ChatState::parse(ctx.state());
    let language = language_of(ctx);
    match Route::of(&ctx.update) {
        Route::Start { .. } => {
            let name = ctx.customer.first_name.clone().unwrap_or_default();
            let key = if ctx.is_new_customer { "welcome" } else { "welcome-back" };
            let intro = t_args(language, key, &[("shop", &ctx.bot.record.name), ("name", &name)]);
            send_new_menu(ctx, &mut state, language, Some(intro));
        }
        Route::Command(command) if command == "/language" => {
            state.menu += 1;
            let screen = language_menu(language, state.menu);
            send_screen(ctx, screen);
        }
        Route::Command(_) | Route::Text(_) | Route::Other => {
            send_new_menu(ctx, &mut state, language, Some(t(language, "unknown-input")));
        }
        Route::Button { query_id, message_id, data } => match callback::decode(&data, state.menu) {
            Decoded::Expired => {
                answer(ctx, &query_id, Some(t(language, "menu-expired")));
                send_new_menu(ctx, &mut state, language, None);
            }
            Decoded::Current(action) => {
                let (screen, toast) = match action {
                    Action::Home => (home(ctx, language, state.menu), None),
                    Action::LanguageMenu => (language_menu(language, state.menu), None),
                    Action::SetLanguage(chosen) => {
                        ctx.tx.set_customer_language(ctx.customer.id, chosen).await?;
                        ctx.customer.language = Some(chosen);
                        (home(ctx, chosen, state.menu), Some(t(chosen, "language-set")))
                    }
                };
                answer(ctx, &query_id, toast);
                match message_id {
                    Some(message_id) => edit_screen(ctx, message_id, screen),
                    None => send_screen(ctx, screen),
                }
            }
        },
    }
    ctx.set_state(Some(state.to_json()));
    Ok(())
}

fn home(ctx: &UpdateContext, language: Language, menu: u64) -> Screen {
    main_menu(language, &ctx.bot.record.name, &ctx.settings, menu, None)
}

/// Sends a new main-menu message; buttons of older menus become stale.
fn send_new_menu(ctx: &mut UpdateContext, state: &mut ChatState, language: Language, intro: Option<String>) {
    state.menu += 1;
    let screen = main_menu(language, &ctx.bot.record.name, &ctx.settings, state.menu, intro);
    send_screen(ctx, screen);
}

fn send_screen(ctx: &mut UpdateContext, screen: Screen) {
    let chat = ctx.chat.0;
    ctx.send(Outgoing::new(
        "sendMessage",
        json!({"chat_id": chat, "text": screen.text, "reply_markup": screen.keyboard}),
    ));
}

fn edit_screen(ctx: &mut UpdateContext, message_id: i32, screen: Screen) {
    let chat = ctx.chat.0;
    ctx.send(Outgoing::new(
        "editMessageText",
        json!({"chat_id": chat, "message_id": message_id, "text": screen.text, "reply_markup": screen.keyboard}),
    ));
}

fn answer(ctx: &mut UpdateContext, query_id: &str, text: Option<String>) {
    let mut params = json!({"callback_query_id": query_id});
    if let Some(text) = text {
        params["text"] = json!(text);
    }
    ctx.send(Outgoing::new("answerCallbackQuery", params));
}
