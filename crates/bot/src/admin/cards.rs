//! Admin area: payment cards — the tenant's cards (numbers masked) with
//! today's usage against the daily cap, one card's view, add (guided: number,
//! checked by the domain's `CardNumber` (Luhn); holder; daily cap), and
//! enable / disable. A full card number is never shown here: only the paying
//! customer sees one.

use super::manage::{
    admin_home, area_home, ask, gone, mark, op, pager, parse_int, reask, screen, signed, trim, window,
};
use super::{Input, Shown};
use crate::callback::{AdminArea, AdminOp};
use crate::context::CustomerBot;
use crate::flow::{AdminFlow, CardFlow};
use crate::i18n::{t, t_args};
use crate::menu::Screen;
use crate::shop_screens::price;
use crate::state::ChatState;
use bazar_domain::{CardId, CardNumber, Currency, Language, Money, check_daily_cap, check_holder};
use bazar_runtime::{HandlerError, UpdateContext};
use bazar_shop::cards::{self, CardChange, CardDraft, CardRefusal};
use bazar_store::PaymentCard;
use bazar_telegram::requests::InlineButton;

const AREA: AdminArea = AdminArea::Cards;

/// The op letters of this area (see [`Op`]); tests check them against `Op::of`
/// and against the isolation walk (`crates/bazar/tests/e2e/admin_isolation.rs`).
#[cfg(test)]
pub(crate) const OPS: &[char] = &['h', 'l', 'v', 'a', 't'];

/// What a button of this area does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// The list, first page.
    Home,
    /// The list, page `arg`.
    List,
    /// One card (`id`).
    View,
    /// Start adding a card.
    Add,
    /// Enable / disable card `id`.
    Toggle,
}

impl Op {
    fn of(c: char) -> Option<Self> {
        Some(match c {
            'h' => Self::Home,
            'l' => Self::List,
            'v' => Self::View,
            'a' => Self::Add,
            't' => Self::Toggle,
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
    Ok(match what {
        Op::Home => Shown::screen(list(ctx, language, menu, 0).await?),
        Op::List => Shown::screen(list(ctx, language, menu, action.arg).await?),
        Op::Add => {
            state.admin_flow(AdminFlow::Cards(CardFlow::Number));
            Shown::screen(ask(language, menu, AREA, t(language, "mng-card-number-ask")))
        }
        Op::View => match ctx.tx.card(CardId::from_raw(id)).await? {
            Some(card) => Shown::screen(view(language, menu, &card, ctx.settings.currency())),
            None => Shown::toast(gone(language)),
        },
        Op::Toggle => match ctx.tx.card(CardId::from_raw(id)).await? {
            Some(card) => {
                let change = CardChange { active: Some(!card.active), ..Default::default() };
                let card = match cards::update(&mut ctx.tx, CardId::from_raw(id), change).await {
                    Ok(updated) => updated.unwrap_or(card),
                    Err(CardRefusal::Store(e)) => return Err(e.into()),
                    Err(_) => card,
                };
                let toast = t(language, if card.active { "mng-card-enabled" } else { "mng-card-disabled" });
                Shown { screen: Some(view(language, menu, &card, ctx.settings.currency())), toast: Some(toast) }
            }
            None => Shown::toast(gone(language)),
        },
    })
}

/// The next answer of adding a card.
pub(crate) async fn input(
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    flow: CardFlow,
    input: Input<'_>,
    language: Language,
    menu: u64,
) -> Result<Option<Screen>, HandlerError> {
    let Input::Text(text) = input else {
        state.admin_flow(AdminFlow::Cards(flow));
        return Ok(Some(ask(language, menu, AREA, t(language, "mng-text-please"))));
    };
    let text = text.trim();
    match flow {
        CardFlow::Number => {
            let question = t(language, "mng-card-number-ask");
            match CardNumber::parse(&super::manage::ascii_digits(text)) {
                Ok(number) => {
                    state.admin_flow(AdminFlow::Cards(CardFlow::Holder { number: number.digits().to_owned() }));
                    Ok(Some(ask(language, menu, AREA, t(language, "mng-card-holder-ask"))))
                }
                Err(e) => {
                    state.admin_flow(AdminFlow::Cards(CardFlow::Number));
                    Ok(Some(reask(language, menu, AREA, &e.to_string(), &question)))
                }
            }
        }
        CardFlow::Holder { number } => {
            let Ok(holder) = check_holder(text) else {
                state.admin_flow(AdminFlow::Cards(CardFlow::Holder { number }));
                let why = t(language, "mng-card-holder-bad");
                return Ok(Some(reask(language, menu, AREA, &why, &t(language, "mng-card-holder-ask"))));
            };
            state.admin_flow(AdminFlow::Cards(CardFlow::Cap { number, holder }));
            Ok(Some(ask(language, menu, AREA, t(language, "mng-card-cap-ask"))))
        }
        CardFlow::Cap { number, holder } => {
            let cap = match parse_int(text) {
                Some(0) => Some(None),
                Some(c) => check_daily_cap(c).ok().map(Some),
                None => None,
            };
            let Some(cap) = cap else {
                state.admin_flow(AdminFlow::Cards(CardFlow::Cap { number, holder }));
                let why = t(language, "mng-card-cap-bad");
                return Ok(Some(reask(language, menu, AREA, &why, &t(language, "mng-card-cap-ask"))));
            };
            let draft = CardDraft {
                number: CardNumber::parse(&number),
                holder,
                iban: None,
                weight: 1,
                daily_cap: cap,
                parse_refusals: Vec::new(),
            };
            Ok(Some(match cards::add(&mut ctx.tx, draft).await {
                Ok(card) => {
                    let mut shown = view(language, menu, &card, ctx.settings.currency());
                    shown.text = format!("{}\n\n{}", t(language, "mng-card-added"), shown.text);
                    shown
                }
                Err(CardRefusal::Exists) => {
                    screen(t(language, "mng-card-exists"), vec![vec![area_home(language, menu, AREA)]])
                }
                Err(CardRefusal::Store(e)) => return Err(e.into()),
                Err(refusal @ CardRefusal::Invalid(_)) => {
                    screen(refusal.to_string(), vec![vec![area_home(language, menu, AREA)]])
                }
            }))
        }
    }
}

/// `used of cap` for today, in the tenant's currency.
fn usage(language: Language, card: &PaymentCard, currency: Currency) -> String {
    let used = price(language, Money::new(card.used_today, currency));
    match card.daily_cap {
        Some(cap) => format!("{used} / {}", price(language, Money::new(cap, currency))),
        None => format!("{used} / ∞"),
    }
}

async fn list(ctx: &mut UpdateContext, language: Language, menu: u64, page: u64) -> Result<Screen, HandlerError> {
    let code = ctx.settings.currency();
    let (limit, offset) = window(page);
    let mut cards = ctx.tx.cards_page(limit, offset).await?;
    let more = trim(&mut cards);
    let mut text = t_args(language, "mng-card-title", &[("page", &page.saturating_add(1).to_string())]);
    let mut rows: Vec<Vec<InlineButton>> = vec![vec![op(t(language, "mng-card-add"), menu, AREA, 'a', 0, 0)]];
    for card in &cards {
        text.push_str(&format!("\n{} {} · {}", mark(card.active), card.masked(), usage(language, card, code)));
        rows.push(vec![op(
            format!("{} {}", mark(card.active), card.masked()),
            menu,
            AREA,
            'v',
            card.id.get() as u64,
            0,
        )]);
    }
    if cards.is_empty() {
        text = t(language, "mng-card-none");
    }
    rows.extend(pager(menu, AREA, 'l', 0, page, more));
    rows.push(vec![admin_home(language, menu)]);
    Ok(screen(text, rows))
}

fn view(language: Language, menu: u64, card: &PaymentCard, code: Currency) -> Screen {
    let text = t_args(
        language,
        "mng-card-view",
        &[
            ("number", &card.masked()),
            ("holder", &card.holder),
            ("bank", card.bank.as_deref().unwrap_or("-")),
            ("usage", &usage(language, card, code)),
            ("payments", &card.payments_today.to_string()),
            ("status", &t(language, if card.active { "mng-card-is-on" } else { "mng-card-is-off" })),
        ],
    );
    let toggle = t(language, if card.active { "mng-disable" } else { "mng-enable" });
    let rows = vec![vec![op(toggle, menu, AREA, 't', card.id.get() as u64, 0)], vec![area_home(language, menu, AREA)]];
    screen(text, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_op_letter_is_handled() {
        crate::admin::manage::assert_op_letters(OPS, |c| Op::of(c).is_some());
    }
}
