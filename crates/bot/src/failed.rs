//! An update whose handling failed for good ([`bazar_runtime::Handler::failed`]):
//! its transaction rolled back, and Telegram will not send it again. Whatever
//! went wrong, nobody is left without an answer and no money is swallowed:
//!
//! * a button press gets a visible "something went wrong" alert instead of a
//!   spinning button (an admin's ✅ Approve included);
//! * a pre-checkout query is refused politely, so no Stars are taken for it;
//! * a `successful_payment` — the Stars are already taken — is kept
//!   ([`stars::keep_charge`]) in a transaction of its own: the payment holds
//!   the charge, an event says what failed, a bounded retry is queued, the
//!   customer hears that the credit is on its way and the tenant's admins
//!   (admin chat, else each admin) are told, once.

use crate::context::language_of;
use crate::i18n::{t, t_args};
use crate::route::Route;
use crate::shop_screens::price;
use bazar_domain::{Language, Stars, TelegramUserId};
use bazar_runtime::{FailedUpdate, HandlerError, Outgoing};
use bazar_shop::payments::stars::{self, Kept};
use bazar_store::TenantSettings;
use bazar_telegram::requests::{AnswerCallbackQuery, AnswerPreCheckoutQuery, SendMessage};
use bazar_telegram::update::UpdateContent;

/// What to send for an update that failed for good; an error when money it
/// carried could not be kept (the update then comes again).
pub(crate) async fn failed(failed: FailedUpdate<'_>) -> Result<Vec<Outgoing>, HandlerError> {
    let settings = failed.store.tenant(&failed.bot.scope).settings().await.ok();
    let language = sender_language(&failed, settings.as_deref());
    Ok(match Route::of(failed.update) {
        Route::Button { query_id, .. } => {
            let text = Some(t(language, "update-failed"));
            vec![Outgoing::call(AnswerCallbackQuery {
                callback_query_id: query_id.to_string(),
                text,
                show_alert: true,
            })]
        }
        Route::PreCheckout { query_id, .. } => {
            let error_message = Some(t(language, "update-failed"));
            let refusal =
                AnswerPreCheckoutQuery { pre_checkout_query_id: query_id.to_string(), ok: false, error_message };
            vec![Outgoing::call(refusal)]
        }
        Route::Paid { payload, charge_id, total, .. } => {
            let settings = match settings {
                Some(settings) => settings,
                None => failed.store.tenant(&failed.bot.scope).settings().await?,
            };
            let paid = Paid { payload: &payload, charge_id: &charge_id, stars: total, language };
            keep(&failed, &settings, &paid).await?
        }
        _ => Vec::new(),
    })
}

/// The sender's language: Telegram's code of it, else the tenant's default.
fn sender_language(failed: &FailedUpdate<'_>, settings: Option<&TenantSettings>) -> Language {
    let code = match &failed.update.content {
        UpdateContent::Message(m) => m.from.as_ref().and_then(|u| u.language_code.clone()),
        UpdateContent::CallbackQuery(q) => q.from.language_code.clone(),
        UpdateContent::PreCheckoutQuery(q) => q.from.language_code.clone(),
        _ => None,
    };
    match (code.as_deref().and_then(Language::from_telegram_code), settings) {
        (Some(language), _) => language,
        (None, Some(settings)) => language_of(None, settings),
        (None, None) => Language::Fa,
    }
}

/// The Stars payment a failed update reported.
struct Paid<'a> {
    payload: &'a str,
    charge_id: &'a str,
    stars: i64,
    language: Language,
}

/// Keeps a `successful_payment` whose handling failed, and says so to the
/// customer and (when it is new) to the admins.
async fn keep(
    failed: &FailedUpdate<'_>,
    settings: &TenantSettings,
    paid: &Paid<'_>,
) -> Result<Vec<Outgoing>, HandlerError> {
    let UpdateContent::Message(message) = &failed.update.content else { return Ok(Vec::new()) };
    let Some(from) = message.from.as_deref() else { return Ok(Vec::new()) };
    let telegram_id = TelegramUserId::from_raw(from.id);
    let mut tx = failed.store.tenant(&failed.bot.scope).begin().await?;
    let customer = tx.customer_by_telegram_id(telegram_id).await?.map(|c| c.id);
    let kept = stars::keep_charge(&mut tx, customer, paid.payload, paid.charge_id, failed.error).await?;
    let recipients = match kept {
        Kept::Known(_) => Vec::new(),
        Kept::New(_) | Kept::Unmatched => crate::admin_chat::recipients(&mut tx, settings).await?,
    };
    tx.commit().await?;
    let matched = !matches!(kept, Kept::Unmatched);
    tracing::error!(bot_id = %failed.bot.scope.bot_id(), charge = paid.charge_id, matched, "a Stars payment could not be credited; its charge is kept");
    let mut out = Vec::new();
    if !matches!(kept, Kept::Known(_)) {
        let text = t(paid.language, "stars-kept");
        out.push(Outgoing::call(SendMessage::new(message.chat.id, text)));
    }
    for (chat, language) in recipients {
        let text = match &kept {
            Kept::New(payment) => t_args(
                language,
                "stars-kept-admin",
                &[
                    ("id", &payment.id.to_string()),
                    ("code", &payment.tracking_code),
                    ("customer", &telegram_id.to_string()),
                    ("stars", &price(language, Stars(paid.stars))),
                    ("credit", &price(language, payment.credit)),
                    ("charge", paid.charge_id),
                    ("error", failed.error),
                ],
            ),
            _ => t_args(
                language,
                "stars-unmatched-admin",
                &[
                    ("customer", &telegram_id.to_string()),
                    ("stars", &price(language, Stars(paid.stars))),
                    ("charge", paid.charge_id),
                    ("error", failed.error),
                ],
            ),
        };
        let mut notice = Outgoing::call(SendMessage::new(chat, text));
        crate::admin_chat::into_topic(settings, &mut notice);
        out.push(notice);
    }
    Ok(out)
}
