//! Admin area: statistics — new customers, active subscriptions, revenue by
//! day and by method — sent as a chart image (PNG) with a short summary in the
//! admin's language as its caption. The screen in place offers the periods.

use super::Shown;
use crate::callback::{Action, AdminArea, AdminOp};
use crate::chart::{self, DailyFigures};
use crate::context::CustomerBot;
use crate::i18n::{t, t_args};
use crate::menu::{Screen, button};
use crate::shop_screens::price;
use crate::state::ChatState;
use bazar_domain::{Language, calendar::tehran_day_start_ms};
use bazar_runtime::{HandlerError, Outgoing, UpdateContext};
use bazar_store::TenantStats;
use bazar_telegram::Attachment;
use bazar_telegram::requests::{InlineKeyboard, SendMessage, SendPhoto};

/// Op: send the chart of the last `arg` days (7, 30 or 90).
const PERIOD: char = 'p';
/// The periods offered, in days.
const PERIODS: [u64; 3] = [7, 30, 90];
/// The period the area opens with.
const DEFAULT_DAYS: u64 = 30;
const DAY_MS: i64 = 86_400_000;

/// A button of this area: the home screen sends the default period's chart,
/// a period button sends that period's.
pub(crate) async fn press(
    _bot: &CustomerBot,
    ctx: &mut UpdateContext,
    _state: &mut ChatState,
    op: AdminOp,
    language: Language,
    menu: u64,
) -> Result<Shown, HandlerError> {
    let days = match op.op {
        super::HOME => DEFAULT_DAYS,
        PERIOD if PERIODS.contains(&op.arg) => op.arg,
        _ => return Ok(Shown::toast(t(language, "menu-expired"))),
    };
    let chat = ctx.chat.0;
    let report = report(ctx, language, days).await?;
    ctx.send(report.into_message(chat));
    Ok(Shown { screen: Some(screen(language, menu, days)), toast: Some(t(language, "stats-sending")) })
}

fn screen(language: Language, menu: u64, days: u64) -> Screen {
    let periods = PERIODS
        .iter()
        .map(|d| {
            let mark = if *d == days { "✅ " } else { "" };
            let label = format!("{mark}{}", t_args(language, "stats-days", &[("days", &d.to_string())]));
            button(label, menu, Action::Admin(AdminArea::Stats, AdminOp::with(PERIOD, 0, *d)))
        })
        .collect::<Vec<_>>();
    let rows = vec![periods, vec![button(t(language, "btn-back"), menu, Action::AdminHome)]];
    Screen { text: t(language, "stats-title"), keyboard: InlineKeyboard::new(rows) }
}

/// The chart and its caption for one period.
pub(crate) struct Report {
    caption: String,
    png: Option<Vec<u8>>,
}

impl Report {
    /// A photo with the caption, or the caption alone if the chart could not be drawn.
    pub(crate) fn into_message(self, chat: i64) -> Outgoing {
        match self.png {
            Some(bytes) => Outgoing::upload(
                SendPhoto::new(chat, None).caption(self.caption),
                Attachment { field: "photo".into(), file_name: "stats.png".into(), mime: "image/png".into(), bytes },
            ),
            None => Outgoing::call(SendMessage::new(chat, self.caption)),
        }
    }
}

/// The tenant's figures over the last `days` Tehran days (today included).
pub(crate) async fn report(ctx: &mut UpdateContext, language: Language, days: u64) -> Result<Report, HandlerError> {
    let today = tehran_day_start_ms(crate::clock::now_ms());
    let since = today - (days as i64 - 1) * DAY_MS;
    let stats = ctx.tx.stats(since, ctx.settings.currency()).await?;
    let figures = figures(&stats, today, days as usize);
    let caption = caption(language, &stats, days);
    let png = match chart::render(&figures) {
        Ok(png) => Some(png),
        Err(e) => {
            tracing::warn!(bot_id = %ctx.bot.scope.bot_id(), error = %e, "statistics chart not drawn; sending text");
            None
        }
    };
    Ok(Report { caption, png })
}

fn figures(stats: &TenantStats, today: i64, days: usize) -> DailyFigures {
    let revenue: Vec<(i64, i64)> = stats.revenue_by_day.iter().map(|d| (d.day_start, d.amount)).collect();
    let customers: Vec<(i64, i64)> = stats.new_customers.iter().map(|d| (d.day_start, d.count)).collect();
    DailyFigures::fill(today, days, &revenue, &customers, stats.currency.code())
}

/// The short summary under the chart (a photo caption: at most 1,024 characters).
pub(crate) fn caption(language: Language, stats: &TenantStats, days: u64) -> String {
    let revenue: i64 = stats.revenue_by_method.iter().map(|m| m.amount).sum();
    let new: i64 = stats.new_customers.iter().map(|d| d.count).sum();
    let mut text = t_args(
        language,
        "stats-caption",
        &[
            ("days", &days.to_string()),
            ("customers", &stats.customers_total.to_string()),
            ("new", &new.to_string()),
            ("active", &stats.active_subscriptions.to_string()),
            ("revenue", &price(language, stats.money(revenue))),
            ("purchases", &stats.wallet_purchase_count.to_string()),
            ("spent", &price(language, stats.money(stats.wallet_purchases))),
        ],
    );
    for method in &stats.revenue_by_method {
        let name = match method.method.as_str() {
            "card" => t(language, "method-card"),
            "zarinpal" => t(language, "method-zarinpal"),
            "stars" => t(language, "method-stars"),
            other => other.to_owned(),
        };
        let line = t_args(
            language,
            "stats-method-line",
            &[
                ("method", &name),
                ("amount", &price(language, stats.money(method.amount))),
                ("count", &method.payments.to_string()),
            ],
        );
        text.push('\n');
        text.push_str(&line);
    }
    text.chars().take(1024).collect()
}
