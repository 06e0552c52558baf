//! Admin area: plans — every plan (offered or not) in display order, one
//! plan's view, add (guided: name → days → traffic → devices → price, each
//! step checked by the domain's parsers and asked again with the reason when
//! refused), edit one field, offer / withdraw, and move up / down.
//!
//! A plan added here is stored withdrawn and shown for confirmation; "Publish"
//! offers it (a button press ends a guided flow, so the draft lives in the
//! table, not in the chat's state). It starts from the panel options (squads,
//! inbounds) of the tenant's first plan; ⚙️ Panel options picks them from
//! what the panel offers (`plan_options`). Every write goes through the
//! shared use cases (`bazar_shop::plans`), so a plan the panel cannot serve
//! is not published here either.

use super::manage::{
    admin_home, area_home, ask, gone, mark, op, pager, parse_int, reask, screen, signed, trim, window,
};
use super::plan_options::{self, EVERY, OPTIONS, REFRESH, TOGGLE};
use super::{Input, Shown};
use crate::callback::{AdminArea, AdminOp};
use crate::context::CustomerBot;
use crate::flow::{AdminFlow, PlanField as Field, PlanFlow, PlanMode};
use crate::i18n::{t, t_args};
use crate::menu::Screen;
use crate::shop_screens::price;
use crate::state::ChatState;
use bazar_domain::{Language, PlanId, PlanNames, check_devices, check_duration, parse_price, parse_traffic_gb};
use bazar_runtime::{HandlerError, UpdateContext};
use bazar_shop::plans::{self, PanelView, PlanChange, PlanDraft, PlanRefusal};
use bazar_store::Plan;
use bazar_telegram::requests::InlineButton;

const AREA: AdminArea = AdminArea::Plans;
/// Most plans a tenant's reordering looks at.
const MAX_PLANS: i64 = 500;

/// The op letters of this area (see [`Op`]); tests check them against `Op::of`
/// and against the isolation walk (`crates/bazar/tests/e2e/admin_isolation.rs`).
#[cfg(test)]
pub(crate) const OPS: &[char] = &['h', 'l', 'v', 'a', 'e', 't', 'c', 'u', 'w', 'o', 'x', 'y', 'r'];

/// What a button of this area does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// The list, first page.
    Home,
    /// The list, page `arg`.
    List,
    /// One plan (`id`).
    View,
    /// Start adding a plan.
    Add,
    /// Edit field `arg` (see [`Field`]) of plan `id`.
    Edit,
    /// Offer / withdraw plan `id`.
    Toggle,
    /// Publish the plan `id` just added.
    Publish,
    /// Move plan `id` one place up.
    Up,
    /// Move plan `id` one place down.
    Down,
    /// The panel options screen of plan `id`.
    Options,
    /// A tap on the panel options screen (see [`plan_options`]).
    OptionsTap(char),
}

impl Op {
    fn of(c: char) -> Option<Self> {
        Some(match c {
            'h' => Self::Home,
            'l' => Self::List,
            'v' => Self::View,
            'a' => Self::Add,
            'e' => Self::Edit,
            't' => Self::Toggle,
            'c' => Self::Publish,
            'u' => Self::Up,
            'w' => Self::Down,
            OPTIONS => Self::Options,
            TOGGLE | EVERY | REFRESH => Self::OptionsTap(c),
            _ => return None,
        })
    }
}

impl Field {
    const ALL: [Field; 5] = [Self::Name, Self::Days, Self::Traffic, Self::Devices, Self::Price];

    fn number(self) -> u64 {
        Self::ALL.iter().position(|f| *f == self).map_or(0, |i| i as u64 + 1)
    }

    fn of_number(n: u64) -> Option<Self> {
        Self::ALL.get(usize::try_from(n).ok()?.checked_sub(1)?).copied()
    }

    fn question_key(self) -> &'static str {
        match self {
            Self::Name => "mng-plan-name-ask",
            Self::Days => "mng-plan-days-ask",
            Self::Traffic => "mng-plan-traffic-ask",
            Self::Devices => "mng-plan-devices-ask",
            Self::Price => "mng-plan-price-ask",
        }
    }

    fn button_key(self) -> &'static str {
        match self {
            Self::Name => "mng-plan-edit-name",
            Self::Days => "mng-plan-edit-days",
            Self::Traffic => "mng-plan-edit-traffic",
            Self::Devices => "mng-plan-edit-devices",
            Self::Price => "mng-plan-edit-price",
        }
    }

    fn next(self) -> Option<Self> {
        Self::of_number(self.number() + 1)
    }
}

/// A field's value as typed, checked.
enum Answer {
    Name(String),
    Days(u32),
    Traffic(Option<u64>),
    Devices(Option<u32>),
    Price(i64),
}

/// Parses the answer for `field`; `Err` carries the text saying why it was refused.
fn parse(field: Field, text: &str, language: Language) -> Result<Answer, String> {
    let text = text.trim();
    match field {
        Field::Name => {
            let names = PlanNames { en: Some(text.to_owned()), ..Default::default() };
            names.validated().map(|_| Answer::Name(text.to_owned())).map_err(|e| e.to_string())
        }
        Field::Days => parse_int(text)
            .and_then(|d| u32::try_from(d).ok())
            .ok_or(bazar_domain::PlanError::Duration)
            .and_then(check_duration)
            .map(Answer::Days)
            .map_err(|e| e.to_string()),
        Field::Traffic => {
            parse_traffic_gb(&super::manage::ascii_digits(text)).map(Answer::Traffic).map_err(|e| e.to_string())
        }
        Field::Devices => match parse_int(text).and_then(|d| u32::try_from(d).ok()) {
            Some(0) => Ok(Answer::Devices(None)),
            Some(d) => check_devices(d).map(|d| Answer::Devices(Some(d))).map_err(|e| e.to_string()),
            None => Err(bazar_domain::PlanError::Devices.to_string()),
        },
        Field::Price => parse_price(text).map(Answer::Price).map_err(|_| t(language, "mng-plan-price-bad")),
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
    let id = PlanId::from_raw(signed(action.id));
    match what {
        Op::Home => return Ok(Shown::screen(list(ctx, language, menu, 0).await?)),
        Op::List => return Ok(Shown::screen(list(ctx, language, menu, action.arg).await?)),
        Op::Add => {
            state.admin_flow(AdminFlow::Plans(PlanFlow::new(Field::Name, PlanMode::Add)));
            return Ok(Shown::screen(ask(language, menu, AREA, t(language, Field::Name.question_key()))));
        }
        _ => {}
    }
    let Some(plan) = ctx.tx.plan(id).await? else {
        return Ok(Shown::toast(gone(language)));
    };
    let panel = PanelView::stored(&mut ctx.tx).await?;
    Ok(match what {
        Op::Home | Op::List | Op::Add | Op::View => Shown::screen(view(language, menu, &plan, &panel)),
        Op::Options => Shown::screen(plan_options::show(ctx, language, menu, &plan).await?),
        Op::OptionsTap(tap) => plan_options::press(ctx, language, menu, plan, tap, action.arg).await?,
        Op::Edit => match Field::of_number(action.arg) {
            Some(field) => {
                state.admin_flow(AdminFlow::Plans(PlanFlow::new(field, PlanMode::Edit { plan: id })));
                Shown::screen(ask(language, menu, AREA, t(language, field.question_key())))
            }
            None => Shown::toast(t(language, "menu-expired")),
        },
        Op::Toggle | Op::Publish => {
            let active = what == Op::Publish || !plan.active;
            let change = PlanChange { active: Some(active), ..Default::default() };
            match plans::update(&mut ctx.tx, id, change, &panel).await {
                Ok(saved) => {
                    let plan = saved.unwrap_or(plan);
                    let toast = t(language, if active { "mng-plan-offered" } else { "mng-plan-withdrawn" });
                    Shown { screen: Some(view(language, menu, &plan, &panel)), toast: Some(toast) }
                }
                Err(PlanRefusal::Store(e)) => return Err(e.into()),
                Err(refusal) => Shown {
                    screen: Some(view(language, menu, &plan, &panel)),
                    toast: Some(plan_options::refusal_text(language, &refusal)),
                },
            }
        }
        Op::Up | Op::Down => {
            let moved = reorder(ctx, id, what == Op::Up).await?;
            let toast = if moved { None } else { Some(t(language, "mng-plan-cannot-move")) };
            Shown { screen: Some(list(ctx, language, menu, 0).await?), toast }
        }
    })
}

/// The next answer of adding or editing a plan.
pub(crate) async fn input(
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    mut flow: PlanFlow,
    input: Input<'_>,
    language: Language,
    menu: u64,
) -> Result<Option<Screen>, HandlerError> {
    let field = flow.step;
    let question = t(language, field.question_key());
    let parsed = match input {
        Input::Text(text) => parse(field, text, language),
        Input::Photo { .. } => Err(t(language, "mng-text-please")),
    };
    let value = match parsed {
        Ok(value) => value,
        Err(why) => {
            state.admin_flow(AdminFlow::Plans(flow));
            return Ok(Some(reask(language, menu, AREA, &why, &question)));
        }
    };
    let panel = PanelView::stored(&mut ctx.tx).await?;
    if let PlanMode::Edit { plan: id } = flow.mode {
        let mut change = PlanChange::default();
        match value {
            Answer::Name(name) => {
                let Some(plan) = ctx.tx.plan(id).await? else { return Ok(None) };
                change.names = Some(with_name(plan.names, language, name));
            }
            Answer::Days(d) => change.days = Some(d),
            Answer::Traffic(b) => change.traffic_bytes = Some(b),
            Answer::Devices(d) => change.devices = Some(d),
            Answer::Price(p) => change.price = Some(p),
        }
        return Ok(Some(match plans::update(&mut ctx.tx, id, change, &panel).await {
            Ok(Some(plan)) => {
                let mut shown = view(language, menu, &plan, &panel);
                shown.text = format!("{}\n\n{}", t(language, "mng-saved"), shown.text);
                shown
            }
            Ok(None) => screen(gone(language), vec![vec![area_home(language, menu, AREA)]]),
            Err(PlanRefusal::Store(e)) => return Err(e.into()),
            Err(refusal) => {
                state.admin_flow(AdminFlow::Plans(flow));
                reask(language, menu, AREA, &plan_options::refusal_text(language, &refusal), &question)
            }
        }));
    }
    match value {
        Answer::Name(name) => flow.name = Some(name),
        Answer::Days(d) => flow.days = Some(d),
        Answer::Traffic(b) => flow.traffic = b,
        Answer::Devices(d) => flow.devices = d,
        Answer::Price(p) => flow.price = Some(p),
    }
    if let Some(next) = field.next() {
        flow.step = next;
        state.admin_flow(AdminFlow::Plans(flow));
        return Ok(Some(ask(language, menu, AREA, t(language, next.question_key()))));
    }
    // Every answer is in: store the draft (withdrawn) and ask to publish it.
    let existing = ctx.tx.plans_page(MAX_PLANS, 0).await?;
    let sort = existing.iter().map(|p| p.sort).max().map_or(0, |s| s.saturating_add(1));
    let draft = PlanDraft {
        names: with_name(PlanNames::default(), language, flow.name.unwrap_or_default()),
        days: flow.days.unwrap_or(30),
        traffic_bytes: flow.traffic,
        devices: flow.devices,
        price: flow.price.unwrap_or(0),
        currency: ctx.settings.currency(),
        sort,
        active: false,
        options: Default::default(),
        base_options: existing.first().map(|p| p.panel_options.clone()).unwrap_or_default(),
        parse_refusals: Vec::new(),
    };
    let plan = match plans::create(&mut ctx.tx, draft, &panel).await {
        Ok(plan) => plan,
        Err(PlanRefusal::Store(e)) => return Err(e.into()),
        Err(refusal) => {
            return Ok(Some(screen(
                plan_options::refusal_text(language, &refusal),
                vec![vec![area_home(language, menu, AREA)]],
            )));
        }
    };
    let mut shown = view(language, menu, &plan, &panel);
    shown.text = format!("{}\n\n{}", t(language, "mng-plan-draft"), shown.text);
    let publish = vec![op(t(language, "mng-plan-publish"), menu, AREA, 'c', plan.id.get() as u64, 0)];
    shown.keyboard.inline_keyboard.insert(0, publish);
    Ok(Some(shown))
}

/// `names` with `name` in the admin's language.
fn with_name(mut names: PlanNames, language: Language, name: String) -> PlanNames {
    match language {
        Language::Fa => names.fa = Some(name),
        Language::Ru => names.ru = Some(name),
        Language::En => names.en = Some(name),
    }
    names
}

async fn list(ctx: &mut UpdateContext, language: Language, menu: u64, page: u64) -> Result<Screen, HandlerError> {
    let (limit, offset) = window(page);
    let mut plans = ctx.tx.plans_page(limit, offset).await?;
    let more = trim(&mut plans);
    let mut rows: Vec<Vec<InlineButton>> = vec![vec![op(t(language, "mng-plan-add"), menu, AREA, 'a', 0, 0)]];
    for p in &plans {
        let label = format!("{} {} · {}", mark(p.active), p.names.name(language), price(language, p.price));
        let raw = p.id.get() as u64;
        rows.push(vec![
            op(label, menu, AREA, 'v', raw, 0),
            op("🔼".into(), menu, AREA, 'u', raw, 0),
            op("🔽".into(), menu, AREA, 'w', raw, 0),
        ]);
    }
    rows.extend(pager(menu, AREA, 'l', 0, page, more));
    rows.push(vec![admin_home(language, menu)]);
    let key = if plans.is_empty() { "mng-plan-none" } else { "mng-plan-title" };
    Ok(screen(t_args(language, key, &[("page", &page.saturating_add(1).to_string())]), rows))
}

fn view(language: Language, menu: u64, plan: &Plan, panel: &PanelView) -> Screen {
    let traffic = match plan.traffic_bytes {
        Some(b) => format!("{} GB", b >> 30),
        None => t(language, "traffic-unlimited"),
    };
    let devices = plan.device_limit.map_or_else(|| t(language, "devices-any"), |d| d.to_string());
    let text = t_args(
        language,
        "mng-plan-view",
        &[
            ("id", &plan.id.to_string()),
            ("name", plan.names.name(language)),
            ("days", &plan.duration_days.to_string()),
            ("traffic", &traffic),
            ("devices", &devices),
            ("price", &price(language, plan.price)),
            ("status", &t(language, if plan.active { "mng-plan-is-offered" } else { "mng-plan-is-withdrawn" })),
        ],
    );
    let text = match panel {
        PanelView::Panel { kind, catalog } => {
            let chosen = plan_options::summary(language, &plan.panel_options, kind, catalog.as_ref());
            format!("{text}\n{}", t_args(language, "mng-plan-panel-line", &[("options", &chosen)]))
        }
        PanelView::None => text,
    };
    let raw = plan.id.get() as u64;
    let edit = |f: Field| op(t(language, f.button_key()), menu, AREA, 'e', raw, f.number());
    let toggle = t(language, if plan.active { "mng-plan-withdraw" } else { "mng-plan-offer" });
    let rows = vec![
        vec![edit(Field::Name), edit(Field::Days), edit(Field::Price)],
        vec![edit(Field::Traffic), edit(Field::Devices)],
        vec![op(toggle, menu, AREA, 't', raw, 0), op(t(language, "mng-plan-options"), menu, AREA, OPTIONS, raw, 0)],
        vec![op(t(language, "mng-up"), menu, AREA, 'u', raw, 0), op(t(language, "mng-down"), menu, AREA, 'w', raw, 0)],
        vec![area_home(language, menu, AREA)],
    ];
    screen(text, rows)
}

/// Swaps plan `id` with its neighbour in display order; the tenant's plans are
/// renumbered 0, 1, 2… on the way, so equal sort values never block a move.
async fn reorder(ctx: &mut UpdateContext, id: PlanId, up: bool) -> Result<bool, HandlerError> {
    let mut plans = ctx.tx.plans_page(MAX_PLANS, 0).await?;
    let Some(at) = plans.iter().position(|p| p.id == id) else { return Ok(false) };
    let other = if up { at.checked_sub(1) } else { Some(at + 1).filter(|i| *i < plans.len()) };
    let Some(other) = other else { return Ok(false) };
    plans.swap(at, other);
    for (sort, plan) in plans.iter().enumerate() {
        let sort = i32::try_from(sort).unwrap_or(i32::MAX);
        if plan.sort != sort {
            let change = PlanChange { sort: Some(sort), ..Default::default() };
            match plans::update(&mut ctx.tx, plan.id, change, &PanelView::None).await {
                Ok(_) => {}
                Err(PlanRefusal::Store(e)) => return Err(e.into()),
                // A display order is never refused.
                Err(_) => return Ok(false),
            }
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_op_letter_is_handled() {
        crate::admin::manage::assert_op_letters(OPS, |c| Op::of(c).is_some());
    }

    #[test]
    fn answers_are_checked() {
        let l = Language::En;
        assert!(matches!(parse(Field::Days, "30", l), Ok(Answer::Days(30))));
        assert!(parse(Field::Days, "0", l).is_err());
        assert!(parse(Field::Days, "thirty", l).is_err());
        assert!(matches!(parse(Field::Traffic, "0", l), Ok(Answer::Traffic(None))));
        assert!(matches!(parse(Field::Traffic, "۵۰", l), Ok(Answer::Traffic(Some(b))) if b == 50 << 30));
        assert!(matches!(parse(Field::Devices, "0", l), Ok(Answer::Devices(None))));
        assert!(parse(Field::Devices, "101", l).is_err());
        assert!(parse(Field::Price, "-5", l).is_err());
        assert!(matches!(parse(Field::Price, "۱۵۰٬۰۰۰", l), Ok(Answer::Price(150_000))));
        assert!(parse(Field::Price, "1000000000000000001", l).is_err(), "the domain's one price rule");
        assert!(parse(Field::Name, "   ", l).is_err());
        assert_eq!(Field::of_number(Field::Price.number()), Some(Field::Price));
        assert_eq!(Field::Price.next(), None);
        assert_eq!(Field::of_number(0), None);
    }
}
