//! Paying in: the top-up menu, card-to-card (card shown, receipt, admin
//! decision), Telegram Stars (invoice, pre-checkout, successful payment) and
//! Zarinpal (link sent by a job). Money moves only in `bazar_shop::payments`.

use crate::callback::{Action, encode};
use crate::clock::now_ms;
use crate::context::language_of;
use crate::i18n::{t, t_args};
use crate::menu::{Screen, button};
use crate::shop_screens::price;
use crate::state::{Awaiting, ChatState};
use bazar_domain::{Bank, Charge, ConfigKey, ConfigValue, Language, Money, PaymentId, PlanId, Stars, mask_card_number};
use bazar_runtime::{HandlerError, Outgoing, UpdateContext};
use bazar_shop::payments::card::{self, CardStart, Decision};
use bazar_shop::payments::stars::{self, PreCheckoutRefusal, StarsPaid, StarsStart};
use bazar_shop::payments::zarinpal::{ZarinpalGateway, ZarinpalStart};
use bazar_shop::payments::{MethodLimits, Settlement, available_methods, referral_percent};
use bazar_store::{Payment, PaymentCard, PaymentMethod, PaymentStatus};
use bazar_telegram::requests::{
    AnswerPreCheckoutQuery, EditMessageReplyMarkup, InlineButton, InlineKeyboard, LabeledPrice, ReplyMarkup,
    SendInvoice, SendMessage, SendPhoto,
};

/// What a payment step shows: a screen in place of the menu, a toast, or nothing more.
pub(crate) struct Shown {
    pub screen: Option<Screen>,
    pub toast: Option<String>,
}

impl Shown {
    fn screen(screen: Screen) -> Self {
        Self { screen: Some(screen), toast: None }
    }
    fn toast(text: String) -> Self {
        Self { screen: None, toast: Some(text) }
    }
}

fn method_name(language: Language, method: PaymentMethod) -> String {
    t(
        language,
        match method {
            PaymentMethod::Card => "method-card",
            PaymentMethod::Zarinpal => "method-zarinpal",
            PaymentMethod::Stars => "method-stars",
        },
    )
}

fn back_row(language: Language, menu: u64) -> Vec<InlineButton> {
    vec![button(t(language, "btn-back"), menu, Action::Home)]
}

/// The methods offered to this tenant's customers now: flag on, configured,
/// and (for Zarinpal) a public URL for the gateway to send them back to.
pub(crate) async fn offered(
    ctx: &mut UpdateContext,
    zarinpal: &ZarinpalGateway,
) -> Result<Vec<PaymentMethod>, HandlerError> {
    let mut methods = available_methods(&mut ctx.tx, &ctx.settings).await?;
    methods.retain(|m| *m != PaymentMethod::Zarinpal || zarinpal.can_return());
    Ok(methods)
}

/// Wallet → Top up: the methods this tenant offers now.
pub(crate) async fn top_up_menu(
    zarinpal: &ZarinpalGateway,
    ctx: &mut UpdateContext,
    language: Language,
    menu: u64,
) -> Result<Shown, HandlerError> {
    let methods = offered(ctx, zarinpal).await?;
    if methods.is_empty() {
        return Ok(Shown::toast(t(language, "no-methods")));
    }
    let mut rows: Vec<Vec<InlineButton>> =
        methods.into_iter().map(|m| vec![button(method_name(language, m), menu, Action::TopUpWith(m))]).collect();
    rows.push(back_row(language, menu));
    Ok(Shown::screen(Screen { text: t(language, "topup-choose"), keyboard: InlineKeyboard::new(rows) }))
}

/// A method chosen: ask for the amount.
pub(crate) async fn ask_amount(
    zarinpal: &ZarinpalGateway,
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    method: PaymentMethod,
    language: Language,
    menu: u64,
) -> Result<Shown, HandlerError> {
    if !offered(ctx, zarinpal).await?.contains(&method) {
        return Ok(Shown::toast(t(language, "no-methods")));
    }
    state.expect(Awaiting::TopUpAmount(method));
    let limits = MethodLimits::of(&ctx.settings, method);
    let text = t_args(
        language,
        "topup-amount",
        &[
            ("method", &method_name(language, method)),
            ("min", &price(language, limits.min)),
            ("max", &price(language, limits.max)),
        ],
    );
    Ok(Shown::screen(Screen { text, keyboard: InlineKeyboard::new(vec![back_row(language, menu)]) }))
}

/// The customer typed an amount after choosing a method.
pub(crate) async fn amount_entered(
    zarinpal: &ZarinpalGateway,
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    method: PaymentMethod,
    text: &str,
    language: Language,
) -> Result<Option<String>, HandlerError> {
    let Ok(amount) = Money::parse_positive(text, ctx.settings.currency()) else {
        // Ask again: the next text is still the amount.
        state.expect(Awaiting::TopUpAmount(method));
        return Ok(Some(t(language, "amount-invalid")));
    };
    start(zarinpal, ctx, state, method, amount, None, language).await
}

/// The plan summary's "pay the difference with …" button.
pub(crate) async fn pay_difference(
    zarinpal: &ZarinpalGateway,
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    method: PaymentMethod,
    plan_id: PlanId,
    language: Language,
) -> Result<Option<String>, HandlerError> {
    // The rule `buy` applies: only a plan priced in the shop's currency is sold.
    let currency = ctx.settings.currency();
    let Some(plan) = ctx.tx.plan(plan_id).await?.filter(|p| p.active && p.price.currency() == currency) else {
        return Ok(Some(t(language, "plan-gone")));
    };
    let promo = state.promo.clone();
    let benefit = match &promo {
        Some(code) => ctx.tx.check_promo(code, ctx.customer.id).await?.ok().map(|p| p.benefit),
        None => None,
    };
    let (owed, _) = bazar_shop::promo::with_benefit(plan.price, plan.duration_days, benefit);
    let balance = ctx.tx.balance(ctx.customer.id, currency).await?;
    let missing = owed.minor().saturating_sub(balance.minor());
    if missing <= 0 {
        return Ok(Some(t(language, "already-enough")));
    }
    // Never below the method's minimum: the rest stays in the wallet.
    let minimum = MethodLimits::of(&ctx.settings, method).min;
    let amount = Money::new(missing.max(minimum.minor()), currency);
    start(zarinpal, ctx, state, method, amount, Some((plan.id, promo)), language).await
}

/// Starts a payment of `amount` with `method`; sends what the customer needs
/// (card details, an invoice, or "link follows") and returns a line to show under a new menu, if any.
async fn start(
    zarinpal: &ZarinpalGateway,
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    method: PaymentMethod,
    amount: Money,
    plan: Option<(PlanId, Option<String>)>,
    language: Language,
) -> Result<Option<String>, HandlerError> {
    if !offered(ctx, zarinpal).await?.contains(&method) {
        return Ok(Some(t(language, "no-methods")));
    }
    let settings = ctx.settings.clone();
    let customer = ctx.customer.id;
    let out_of_range = |limits: MethodLimits| {
        t_args(
            language,
            "amount-out-of-range",
            &[("min", &price(language, limits.min)), ("max", &price(language, limits.max))],
        )
    };
    match method {
        PaymentMethod::Card => {
            let started = card::start(&mut ctx.tx, &settings, customer, amount, plan).await?;
            match started {
                CardStart::AlreadyOpen { payment, .. } if payment.status == PaymentStatus::Submitted => {
                    Ok(Some(t_args(language, "card-waiting", &[("code", &payment.tracking_code)])))
                }
                CardStart::Started { payment, card } | CardStart::AlreadyOpen { payment, card: Some(card) } => {
                    state.expect(Awaiting::Receipt);
                    send_card_details(ctx, state.menu, language, &payment, &card)?;
                    Ok(None)
                }
                CardStart::AlreadyOpen { card: None, .. } => Ok(Some(t(language, "card-open-elsewhere"))),
                CardStart::OutOfRange(limits) => {
                    state.expect(Awaiting::TopUpAmount(method));
                    Ok(Some(out_of_range(limits)))
                }
                CardStart::NoCard => Ok(Some(t(language, "no-card-today"))),
            }
        }
        PaymentMethod::Stars => {
            let started = stars::start(&mut ctx.tx, &settings, customer, amount, plan).await?;
            match started {
                StarsStart::Invoice(payment) => {
                    send_invoice(ctx, language, &payment);
                    Ok(None)
                }
                StarsStart::OutOfRange(limits) => {
                    state.expect(Awaiting::TopUpAmount(method));
                    Ok(Some(out_of_range(limits)))
                }
                StarsStart::NotConfigured => Ok(Some(t(language, "no-methods"))),
            }
        }
        PaymentMethod::Zarinpal => {
            let started = zarinpal.start(&mut ctx.tx, &settings, customer, amount, plan).await?;
            match started {
                ZarinpalStart::Started(payment) => {
                    let text = t_args(
                        language,
                        "zarinpal-preparing",
                        &[("amount", &price(language, payment.charge)), ("code", &payment.tracking_code)],
                    );
                    let chat = ctx.chat.0;
                    ctx.send(Outgoing::call(SendMessage::new(chat, text)));
                    Ok(None)
                }
                ZarinpalStart::OutOfRange(limits) => {
                    state.expect(Awaiting::TopUpAmount(method));
                    Ok(Some(out_of_range(limits)))
                }
                ZarinpalStart::NoPublicUrl => Ok(Some(t(language, "no-methods"))),
            }
        }
    }
}

/// The one message with a card's full number (opened here, for the payer only).
fn send_card_details(
    ctx: &mut UpdateContext,
    menu: u64,
    language: Language,
    payment: &Payment,
    card: &PaymentCard,
) -> Result<(), HandlerError> {
    let number = card.number_for_payer()?;
    let bank = card.bank.as_deref().and_then(Bank::from_code).map(|b| bank_name(language, b)).unwrap_or_default();
    let minutes = ((payment.expires_at - now_ms()).max(0) + 59_999) / 60_000;
    let text = t_args(
        language,
        "card-pay",
        &[
            ("amount", &price(language, payment.charge)),
            ("number", &format!("<code>{}</code>", number.grouped())),
            ("bank", &escape(&bank)),
            ("holder", &escape(&card.holder)),
            ("code", &payment.tracking_code),
            ("minutes", &minutes.to_string()),
        ],
    );
    let keyboard =
        InlineKeyboard::new(vec![vec![button(t(language, "btn-cancel-payment"), menu, Action::CancelPayment)]]);
    let chat = ctx.chat.0;
    ctx.send(Outgoing::call(SendMessage::new(chat, text).html().markup(keyboard)));
    Ok(())
}

fn bank_name(language: Language, bank: Bank) -> String {
    match language {
        Language::Fa => bank.name_fa().to_owned(),
        _ => bank.name_en().to_owned(),
    }
}

fn send_invoice(ctx: &mut UpdateContext, language: Language, payment: &Payment) {
    let Charge::Stars(stars) = payment.charge else {
        tracing::error!(payment = %payment.id, "a Stars invoice for a payment not charged in Stars");
        return;
    };
    let credit = price(language, payment.credit);
    let chat = ctx.chat.0;
    ctx.send(Outgoing::call(SendInvoice {
        chat_id: chat,
        title: t(language, "stars-title"),
        description: t_args(language, "stars-description", &[("credit", &credit), ("code", &payment.tracking_code)]),
        payload: stars::invoice_payload(payment),
        currency: Stars::CODE.to_owned(),
        prices: vec![LabeledPrice { label: t(language, "stars-label"), amount: stars.0 }],
    }));
}

/// The customer cancels their open card payment.
pub(crate) async fn cancel(
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    language: Language,
) -> Result<String, HandlerError> {
    state.clear_awaiting();
    Ok(if card::cancel(&mut ctx.tx, ctx.customer.id).await? {
        t(language, "payment-cancelled")
    } else {
        t(language, "payment-not-cancellable")
    })
}

/// A photo or text while a card payment is open: the receipt. `None` when
/// there is no open card payment (the input is something else).
pub(crate) async fn receipt(
    ctx: &mut UpdateContext,
    file_id: Option<&str>,
    text: Option<&str>,
    language: Language,
) -> Result<Option<String>, HandlerError> {
    let Some(payment) = card::submit_receipt(&mut ctx.tx, ctx.customer.id, file_id, text).await? else {
        return Ok(None);
    };
    let customer = ctx.customer.clone();
    for (chat, admin_language) in admin_chats(ctx).await? {
        let mut message = receipt_for_admins(&mut ctx.tx, chat, admin_language, &payment, &customer).await?;
        crate::admin_chat::into_topic(&ctx.settings, &mut message);
        ctx.send(message);
    }
    Ok(Some(t_args(language, "receipt-received", &[("code", &payment.tracking_code)])))
}

/// A receipt as the admins see it: who paid how much to which (masked) card,
/// the photo or text, and Approve / Reject buttons. What the customer wrote
/// (name, note) reaches the admins isolated and quoted ([`crate::untrusted`]).
pub(crate) async fn receipt_for_admins(
    tx: &mut bazar_store::TenantTx,
    chat: i64,
    language: Language,
    payment: &Payment,
    customer: &bazar_store::Customer,
) -> Result<Outgoing, HandlerError> {
    let card = match payment.card_id {
        Some(id) => tx.card(id).await?.map(|c| c.masked()),
        None => None,
    };
    let note = match payment.receipt_text.as_deref().map(str::trim) {
        Some(text) if !text.is_empty() => crate::untrusted::quote(text),
        _ => "-".to_owned(),
    };
    // The note comes last: when a photo's caption is over Telegram's limit,
    // it is the note that the outbox cuts short ("…"), never the figures.
    let body = t_args(
        language,
        "receipt-admin",
        &[
            ("id", &payment.id.to_string()),
            ("code", &payment.tracking_code),
            ("name", &crate::untrusted::customer_name(customer)),
            ("customer", &customer.telegram_id.to_string()),
            ("amount", &price(language, payment.charge)),
            ("card", &card.unwrap_or_else(|| mask_card_number(""))),
            ("text", &note),
        ],
    );
    let buttons = InlineKeyboard::new(vec![vec![
        InlineButton::callback(t(language, "btn-approve"), encode(0, Action::PaymentApprove(payment.id))),
        InlineButton::callback(t(language, "btn-reject"), encode(0, Action::PaymentReject(payment.id))),
    ]]);
    Ok(match &payment.receipt_file_id {
        Some(photo) => Outgoing::call(SendPhoto::new(chat, Some(photo.clone())).caption(body).markup(buttons)),
        None => Outgoing::call(SendMessage::new(chat, body).markup(buttons)),
    })
}

/// Where decisions are asked for, in which language: the tenant's admin chat
/// (in the tenant's default language), else each admin privately (in the
/// language they chose in this bot).
async fn admin_chats(ctx: &mut UpdateContext) -> Result<Vec<(i64, Language)>, HandlerError> {
    let default = language_of(None, &ctx.settings);
    if let ConfigValue::Chat(chat) = ctx.settings.config(ConfigKey::AdminChatId) {
        return Ok(vec![(chat.0, default)]);
    }
    let mut chats = Vec::new();
    for admin in ctx.tx.admin_ids().await? {
        let language = ctx.tx.customer_by_telegram_id(admin).await?.and_then(|c| c.language);
        chats.push((admin.get(), language_of(language, &ctx.settings)));
    }
    Ok(chats)
}

/// An admin pressed Approve or Reject under a receipt; returns the toast.
pub(crate) async fn admin_button(
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    action: Action,
    message_id: Option<i32>,
    language: Language,
) -> Result<String, HandlerError> {
    let admin = ctx.customer.telegram_id;
    if !ctx.tx.is_admin(admin).await? {
        return Ok(t(language, "admins-only"));
    }
    match action {
        Action::PaymentApprove(id) => {
            // The use case the API approves with: credited in the payment's own currency.
            let percent = referral_percent(&ctx.settings);
            let decision = card::approve(&mut ctx.tx, id, admin, percent).await?;
            Ok(match decision {
                Decision::Approved(Settlement::Credited { payment, .. }) => {
                    let who = admin_name(ctx);
                    let line =
                        t_args(language, "receipt-approved-by", &[("code", &payment.tracking_code), ("admin", &who)]);
                    mark_decided(ctx, message_id, line);
                    t(language, "receipt-approved")
                }
                Decision::Approved(_) | Decision::AlreadyDecided(_) => decided_toast(ctx, id.get(), language).await?,
                Decision::Rejected | Decision::NotFound => t(language, "menu-expired"),
            })
        }
        Action::PaymentReject(id) => {
            let Some(payment) = ctx.tx.payment(id).await?.filter(|p| p.method == PaymentMethod::Card) else {
                return Ok(t(language, "menu-expired"));
            };
            if !payment.status.is_open() {
                return decided_toast(ctx, id.get(), language).await;
            }
            state.expect(Awaiting::RejectionReason(id));
            let chat = ctx.chat.0;
            let ask = t_args(language, "reject-reason-ask", &[("code", &payment.tracking_code)]);
            ctx.send(Outgoing::call(SendMessage::new(chat, ask).markup(ReplyMarkup::force_reply())));
            Ok(String::new())
        }
        _ => Ok(t(language, "menu-expired")),
    }
}

async fn decided_toast(ctx: &mut UpdateContext, id: i64, language: Language) -> Result<String, HandlerError> {
    let status = ctx.tx.payment(PaymentId::from_raw(id)).await?.map(|p| p.status);
    Ok(match status {
        Some(PaymentStatus::Paid) => t(language, "receipt-already-approved"),
        Some(PaymentStatus::Rejected) => t(language, "receipt-already-rejected"),
        Some(PaymentStatus::Expired | PaymentStatus::Failed) => t(language, "receipt-closed"),
        _ => t(language, "menu-expired"),
    })
}

fn admin_name(ctx: &UpdateContext) -> String {
    match &ctx.customer.username {
        Some(user) => format!("@{user}"),
        None => ctx.customer.first_name.clone().unwrap_or_else(|| ctx.customer.telegram_id.to_string()),
    }
}

/// Takes the buttons off a decided receipt and says who decided.
fn mark_decided(ctx: &mut UpdateContext, message_id: Option<i32>, line: String) {
    let chat = ctx.chat.0;
    if let Some(message_id) = message_id {
        let message_id = i64::from(message_id);
        let reply_markup = InlineKeyboard::empty();
        ctx.send(Outgoing::call(EditMessageReplyMarkup { chat_id: chat, message_id, reply_markup }));
    }
    ctx.send(Outgoing::call(SendMessage::new(chat, line)));
}

/// The admin's text after Reject: the reason.
pub(crate) async fn rejection_reason(
    ctx: &mut UpdateContext,
    id: PaymentId,
    reason: &str,
    language: Language,
) -> Result<String, HandlerError> {
    let admin = ctx.customer.telegram_id;
    if !ctx.tx.is_admin(admin).await? {
        return Ok(t(language, "admins-only"));
    }
    Ok(match card::reject(&mut ctx.tx, id, admin, reason).await? {
        Decision::Rejected => {
            let code = ctx.tx.payment(id).await?.map(|p| p.tracking_code).unwrap_or_default();
            t_args(language, "receipt-rejected-by", &[("code", &code), ("admin", &admin_name(ctx))])
        }
        _ => decided_toast(ctx, id.get(), language).await?,
    })
}

/// Telegram asks whether a Stars invoice may still be paid.
pub(crate) async fn pre_checkout(
    ctx: &mut UpdateContext,
    query_id: &str,
    payload: &str,
    currency: &str,
    total: i64,
    language: Language,
) -> Result<(), HandlerError> {
    let checked = stars::check_pre_checkout(&mut ctx.tx, ctx.customer.id, payload, currency, total).await?;
    let refusal = checked.err().map(|refusal| match refusal {
        PreCheckoutRefusal::NotOpen => t(language, "stars-expired"),
        PreCheckoutRefusal::Unknown | PreCheckoutRefusal::Mismatch => t(language, "stars-invalid"),
    });
    let pre_checkout_query_id = query_id.to_owned();
    let answer = AnswerPreCheckoutQuery { pre_checkout_query_id, ok: refusal.is_none(), error_message: refusal };
    ctx.send(Outgoing::call(answer));
    Ok(())
}

/// A Stars payment went through: credit once (the notice follows from the payment's job).
pub(crate) async fn stars_paid(
    ctx: &mut UpdateContext,
    payload: &str,
    charge_id: &str,
    language: Language,
) -> Result<Option<String>, HandlerError> {
    let percent = referral_percent(&ctx.settings);
    let customer = ctx.customer.id;
    // Credited in the payment's own currency, even if the tenant changed its currency since the invoice.
    let paid = stars::paid(&mut ctx.tx, customer, payload, charge_id, percent).await?;
    Ok(match paid {
        StarsPaid::Settled(_) => None,
        StarsPaid::Unknown => {
            tracing::error!(bot_id = %ctx.bot.scope.bot_id(), customer = %customer, "Stars paid for no known payment");
            Some(t(language, "stars-unmatched"))
        }
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
