//! The daily summary job: yesterday's figures and what is waiting today,
//! sent to the tenant's admin chat (or to each admin privately, in their own
//! language, when no admin chat is configured). Scheduled by
//! `bazar_shop::daily_summary`; one per tenant and day.

use crate::i18n::t_args;
use crate::shop_screens::price;
use bazar_domain::Language;
use bazar_domain::jobs::DailySummaryJob;
use bazar_runtime::{BotHandle, Outgoing};
use bazar_store::{
    Job, JobEnd, PaymentFilter, PaymentMethod, PaymentStatus, Store, StoreError, TenantStats, TicketStatus,
};
use bazar_telegram::requests::SendMessage;
use std::sync::Arc;

const DAY_MS: i64 = 86_400_000;
/// Counts of waiting items stop here ("1000+" would be a different problem).
const COUNT_CAP: i64 = 1000;

/// Runs one `daily_summary` job and returns the messages to the admins.
pub(crate) async fn run(
    store: &Store,
    bot: &Arc<BotHandle>,
    job: &Job,
    args: &DailySummaryJob,
) -> Result<Vec<Outgoing>, StoreError> {
    let tenant = store.tenant(&bot.scope);
    let settings = tenant.settings().await?;
    let day = args.day_start;
    let mut tx = tenant.begin().await?;
    let stats = tx.stats(day, settings.currency()).await?;
    let receipts =
        PaymentFilter { status: Some(PaymentStatus::Submitted), method: Some(PaymentMethod::Card), customer: None };
    let pending = tx.payments(&receipts, COUNT_CAP, 0).await?.len();
    let tickets = tx.tickets_page(Some(TicketStatus::Open), COUNT_CAP, 0).await?.len();
    let chats = crate::admin_chat::recipients(&mut tx, &settings).await?;
    tx.finish_job(job.id, &JobEnd::Done).await?;
    tx.commit().await?;
    let figures = Figures { day, stats: &stats, pending, tickets };
    Ok(chats
        .into_iter()
        .map(|(chat, language)| {
            let mut message = Outgoing::call(SendMessage::new(chat, figures.text(language)));
            crate::admin_chat::into_topic(&settings, &mut message);
            message
        })
        .collect())
}

struct Figures<'a> {
    day: i64,
    stats: &'a TenantStats,
    pending: usize,
    tickets: usize,
}

impl Figures<'_> {
    /// The summary of the day starting at `day` (the stats run from it until
    /// now, so the per-day series pick out that day alone).
    fn text(&self, language: Language) -> String {
        let on_day = |start: i64| (start - self.day).abs() < DAY_MS / 2;
        let new: i64 = self.stats.new_customers.iter().filter(|d| on_day(d.day_start)).map(|d| d.count).sum();
        let (revenue, payments) = self
            .stats
            .revenue_by_day
            .iter()
            .filter(|d| on_day(d.day_start))
            .fold((0, 0), |(sum, n), d| (sum + d.amount, n + d.payments));
        let date = bazar_domain::calendar::iso_date_of_ms(self.day + DAY_MS / 2);
        t_args(
            language,
            "daily-summary",
            &[
                ("date", &date),
                ("new", &new.to_string()),
                ("customers", &self.stats.customers_total.to_string()),
                ("active", &self.stats.active_subscriptions.to_string()),
                ("revenue", &price(language, self.stats.money(revenue))),
                ("payments", &payments.to_string()),
                ("pending", &self.pending.to_string()),
                ("tickets", &self.tickets.to_string()),
            ],
        )
    }
}
