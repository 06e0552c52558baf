//! Admin area: promo codes — the list, one code's view, add (pick the kind:
//! wallet bonus, percent off, extra days; then guided: code → value → total
//! uses → validity in days, each checked by the domain and asked again when
//! refused), and switch a code off / on.

use super::manage::{
    admin_home, area_home, ask, gone, mark, op, pager, parse_int, reask, screen, signed, trim, window,
};
use super::{Input, Shown};
use crate::callback::{AdminArea, AdminOp};
use crate::context::CustomerBot;
use crate::flow::{AdminFlow, PromoFlow, PromoStep};
use crate::i18n::{t, t_args};
use crate::menu::Screen;
use crate::shop_screens::price;
use crate::state::ChatState;
use bazar_domain::{Currency, Language, Money, PromoBenefit, PromoId, calendar::iso_date_of_ms, normalize_promo_code};
use bazar_runtime::{HandlerError, UpdateContext};
use bazar_shop::promos::{self, PromoDraft, PromoRefusal};
use bazar_store::{Promo, PromoUpdate};
use bazar_telegram::requests::InlineButton;

const AREA: AdminArea = AdminArea::Promos;
const DAY_MS: i64 = 86_400_000;
/// Longest validity a code may be given here, in days.
const MAX_VALID_DAYS: i64 = 3650;
/// Most uses a code may be given here.
const MAX_USES: i64 = 1_000_000_000;

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
    /// One code (`id`).
    View,
    /// Add a code: `arg` 0 asks for the kind, 1–3 starts with that kind (see [`Kind`]).
    Add,
    /// Switch code `id` off / on.
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

/// The kinds of code, as numbered on the buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bonus = 1,
    Percent = 2,
    Days = 3,
}

impl Kind {
    fn of(n: i64) -> Option<Self> {
        Some(match n {
            1 => Self::Bonus,
            2 => Self::Percent,
            3 => Self::Days,
            _ => return None,
        })
    }

    fn benefit(self, value: i64, currency: Currency) -> Option<PromoBenefit> {
        let benefit = match self {
            Self::Bonus => PromoBenefit::WalletBonus(Money::new(value, currency)),
            Self::Percent => PromoBenefit::PercentOff(u8::try_from(value).ok()?),
            Self::Days => PromoBenefit::ExtraDays(u32::try_from(value).ok()?),
        };
        benefit.validated().ok()
    }

    fn value_question(self) -> &'static str {
        match self {
            Self::Bonus => "mng-promo-bonus-ask",
            Self::Percent => "mng-promo-percent-ask",
            Self::Days => "mng-promo-days-ask",
        }
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
        Op::Add => match Kind::of(signed(action.arg)) {
            Some(kind) => {
                let flow = PromoFlow { step: PromoStep::Code, kind: kind as i64, code: None, value: None, uses: None };
                state.admin_flow(AdminFlow::Promos(flow));
                Shown::screen(ask(language, menu, AREA, t(language, "mng-promo-code-ask")))
            }
            None => {
                let rows = vec![
                    vec![op(t(language, "mng-promo-kind-bonus"), menu, AREA, 'a', 0, Kind::Bonus as u64)],
                    vec![op(t(language, "mng-promo-kind-percent"), menu, AREA, 'a', 0, Kind::Percent as u64)],
                    vec![op(t(language, "mng-promo-kind-days"), menu, AREA, 'a', 0, Kind::Days as u64)],
                    vec![area_home(language, menu, AREA)],
                ];
                Shown::screen(screen(t(language, "mng-promo-kind-ask"), rows))
            }
        },
        Op::View => match ctx.tx.promo_by_id(PromoId::from_raw(id)).await? {
            Some(promo) => Shown::screen(view(language, menu, &promo)),
            None => Shown::toast(gone(language)),
        },
        Op::Toggle => match ctx.tx.promo_by_id(PromoId::from_raw(id)).await? {
            Some(promo) => {
                let update = PromoUpdate { active: Some(!promo.active), ..Default::default() };
                // Only the switch changes, so the limits cannot refuse it.
                let promo = match promos::update(&mut ctx.tx, PromoId::from_raw(id), update).await {
                    Ok(now) => now.unwrap_or(promo),
                    Err(PromoRefusal::Store(e)) => return Err(e.into()),
                    Err(_) => promo,
                };
                let toast = t(language, if promo.active { "mng-promo-on" } else { "mng-promo-off" });
                Shown { screen: Some(view(language, menu, &promo)), toast: Some(toast) }
            }
            None => Shown::toast(gone(language)),
        },
    })
}

/// The next answer of adding a code.
pub(crate) async fn input(
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    mut flow: PromoFlow,
    input: Input<'_>,
    language: Language,
    menu: u64,
) -> Result<Option<Screen>, HandlerError> {
    let Some(kind) = Kind::of(flow.kind) else { return Ok(None) };
    let Input::Text(text) = input else {
        state.admin_flow(AdminFlow::Promos(flow));
        return Ok(Some(ask(language, menu, AREA, t(language, "mng-text-please"))));
    };
    let currency = ctx.settings.currency();
    // Each step: the answer written into the flow and the next question, or why not.
    let answered = match flow.step {
        PromoStep::Code => match normalize_promo_code(text) {
            Ok(code) if ctx.tx.promo(&code).await?.is_some() => Err(t(language, "mng-promo-exists")),
            Ok(code) => {
                flow.code = Some(code);
                Ok(())
            }
            Err(e) => Err(e.to_string()),
        },
        PromoStep::Value => match parse_int(text).filter(|v| kind.benefit(*v, currency).is_some()) {
            Some(value) => {
                flow.value = Some(value);
                Ok(())
            }
            None => Err(bazar_domain::PromoError::Value.to_string()),
        },
        PromoStep::Uses => match parse_int(text).filter(|u| (0..=MAX_USES).contains(u)) {
            Some(uses) => {
                flow.uses = Some(uses);
                Ok(())
            }
            None => Err(t(language, "mng-promo-uses-bad")),
        },
        PromoStep::Valid => match parse_int(text).filter(|d| (0..=MAX_VALID_DAYS).contains(d)) {
            Some(_) => Ok(()),
            None => Err(t(language, "mng-promo-valid-bad")),
        },
    };
    if let Err(why) = answered {
        let question = step_question(kind, flow.step);
        state.admin_flow(AdminFlow::Promos(flow));
        return Ok(Some(reask(language, menu, AREA, &why, &t(language, question))));
    }
    let next = match flow.step {
        PromoStep::Code => Some(PromoStep::Value),
        PromoStep::Value => Some(PromoStep::Uses),
        PromoStep::Uses => Some(PromoStep::Valid),
        PromoStep::Valid => None,
    };
    if let Some(next) = next {
        flow.step = next;
        state.admin_flow(AdminFlow::Promos(flow));
        return Ok(Some(ask(language, menu, AREA, t(language, step_question(kind, next)))));
    }
    let valid = parse_int(text).unwrap_or(0);
    let (Some(code), Some(benefit)) = (flow.code, flow.value.and_then(|v| kind.benefit(v, currency))) else {
        return Ok(None);
    };
    let uses = flow.uses.unwrap_or(0);
    let draft = PromoDraft {
        code,
        benefit: Ok(benefit),
        starts_at: None,
        ends_at: (valid > 0).then(|| crate::clock::now_ms() + valid * DAY_MS),
        max_uses: (uses > 0).then_some(uses),
        per_customer: 1,
        parse_refusals: Vec::new(),
    };
    Ok(Some(match promos::create(&mut ctx.tx, draft).await {
        Ok(promo) => {
            let mut shown = view(language, menu, &promo);
            shown.text = format!("{}\n\n{}", t(language, "mng-promo-added"), shown.text);
            shown
        }
        Err(PromoRefusal::Exists) => {
            screen(t(language, "mng-promo-exists"), vec![vec![area_home(language, menu, AREA)]])
        }
        Err(PromoRefusal::Store(e)) => return Err(e.into()),
        Err(refusal @ PromoRefusal::Invalid(_)) => {
            screen(refusal.to_string(), vec![vec![area_home(language, menu, AREA)]])
        }
    }))
}

/// The question a step asks.
fn step_question(kind: Kind, step: PromoStep) -> &'static str {
    match step {
        PromoStep::Code => "mng-promo-code-ask",
        PromoStep::Value => kind.value_question(),
        PromoStep::Uses => "mng-promo-uses-ask",
        PromoStep::Valid => "mng-promo-valid-ask",
    }
}

fn benefit_text(language: Language, promo: &Promo) -> String {
    match promo.benefit {
        PromoBenefit::WalletBonus(n) => price(language, n),
        PromoBenefit::PercentOff(p) => format!("{p}%"),
        PromoBenefit::ExtraDays(d) => t_args(language, "mng-promo-n-days", &[("days", &d.to_string())]),
    }
}

async fn list(ctx: &mut UpdateContext, language: Language, menu: u64, page: u64) -> Result<Screen, HandlerError> {
    let (limit, offset) = window(page);
    let mut promos = ctx.tx.promos_page(limit, offset).await?;
    let more = trim(&mut promos);
    let mut rows: Vec<Vec<InlineButton>> = vec![vec![op(t(language, "mng-promo-add"), menu, AREA, 'a', 0, 0)]];
    for p in &promos {
        let label = format!("{} {} · {}", mark(p.active), p.code, benefit_text(language, p));
        rows.push(vec![op(label, menu, AREA, 'v', p.id.get() as u64, 0)]);
    }
    rows.extend(pager(menu, AREA, 'l', 0, page, more));
    rows.push(vec![admin_home(language, menu)]);
    let key = if promos.is_empty() { "mng-promo-none" } else { "mng-promo-title" };
    Ok(screen(t_args(language, key, &[("page", &page.saturating_add(1).to_string())]), rows))
}

fn view(language: Language, menu: u64, promo: &Promo) -> Screen {
    let limit = promo.max_uses.map_or_else(|| "∞".to_owned(), |m| m.to_string());
    let text = t_args(
        language,
        "mng-promo-view",
        &[
            ("code", &promo.code),
            ("benefit", &benefit_text(language, promo)),
            ("uses", &promo.uses.to_string()),
            ("limit", &limit),
            ("until", &promo.ends_at.map_or_else(|| "∞".to_owned(), iso_date_of_ms)),
            ("status", &t(language, if promo.active { "mng-promo-is-on" } else { "mng-promo-is-off" })),
        ],
    );
    let toggle = t(language, if promo.active { "mng-disable" } else { "mng-enable" });
    screen(
        text,
        vec![vec![op(toggle, menu, AREA, 't', promo.id.get() as u64, 0)], vec![area_home(language, menu, AREA)]],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_op_letter_is_handled() {
        crate::admin::manage::assert_op_letters(OPS, |c| Op::of(c).is_some());
    }

    #[test]
    fn values_per_kind() {
        assert_eq!(Kind::Percent.benefit(20, Currency::Irt), Some(PromoBenefit::PercentOff(20)));
        assert_eq!(Kind::Percent.benefit(101, Currency::Irt), None);
        assert_eq!(Kind::Percent.benefit(300, Currency::Irt), None);
        assert_eq!(Kind::Days.benefit(-1, Currency::Irt), None);
        assert_eq!(Kind::Bonus.benefit(0, Currency::Irt), None);
        assert_eq!(Kind::of(4), None);
    }
}
