//! `bazar promo add|list|disable|enable`.

use crate::cli::PromoCommand;
use crate::commands::plan::tenant_currency;
use crate::config::Config;
use crate::context::open_store;
use crate::error::CliError;
use bazar_domain::calendar::{days_from_civil, iso_date_of_ms};
use bazar_domain::{Money, PromoBenefit, normalize_promo_code};
use bazar_shop::promos::{self, PromoDraft, PromoField, PromoRefusal};
use bazar_store::{PlatformScope, PromoUpdate};

/// The refusal as one `error:` line, each reason under its option's name.
fn refusal(refusal: PromoRefusal) -> CliError {
    let option = |field: PromoField| match field {
        PromoField::Code | PromoField::Value => "",
        PromoField::StartsAt => "--from: ",
        PromoField::EndsAt => "--until: ",
        PromoField::MaxUses => "--max-uses: ",
        PromoField::PerCustomer => "--per-customer: ",
    };
    match refusal {
        PromoRefusal::Invalid(fields) => {
            let each = fields.iter().map(|f| format!("{}{}", option(f.field), f.reason));
            CliError::input(each.collect::<Vec<_>>().join("; "))
        }
        PromoRefusal::Store(e) => e.into(),
        exists => CliError::input(exists.to_string()),
    }
}

/// Runs a promo command.
pub async fn run(config: &Config, platform: PlatformScope, command: PromoCommand) -> Result<(), CliError> {
    let store = open_store(config).await?;
    match command {
        PromoCommand::Add { bot, code: text, bonus, percent, days, from, until, max_uses, per_customer } => {
            let scope = store.platform(&platform).tenant(bot).await?;
            let currency = tenant_currency(&store, &scope).await?;
            let benefit = match (bonus, percent, days) {
                (Some(amount), None, None) => {
                    let bonus = Money::parse_positive(&amount, currency)
                        .map_err(|e| CliError::input(format!("--bonus: {e}")))?;
                    PromoBenefit::WalletBonus(bonus)
                }
                (None, Some(p), None) => PromoBenefit::PercentOff(p),
                (None, None, Some(d)) => PromoBenefit::ExtraDays(d),
                _ => return Err(CliError::input("give exactly one of --bonus, --percent or --days")),
            };
            let starts_at = from.as_deref().map(|d| day_start(d, "--from")).transpose()?;
            let ends_at = until.as_deref().map(|d| day_start(d, "--until").map(|s| s + 86_400_000 - 1)).transpose()?;
            let draft = PromoDraft {
                code: text,
                benefit: Ok(benefit),
                starts_at,
                ends_at,
                max_uses,
                per_customer,
                parse_refusals: Vec::new(),
            };
            let mut tx = store.tenant(&scope).begin().await?;
            let promo = promos::create(&mut tx, draft).await.map_err(refusal)?;
            tx.commit().await?;
            println!("bot {bot}: promo code {} created", promo.code);
        }
        PromoCommand::List { bot } => {
            let scope = store.platform(&platform).tenant(bot).await?;
            let promos = store.tenant(&scope).promos().await?;
            if promos.is_empty() {
                println!("bot {bot} has no promo codes");
            }
            for p in promos {
                let benefit = match p.benefit {
                    PromoBenefit::WalletBonus(n) => {
                        format!("+{n} to the wallet")
                    }
                    PromoBenefit::PercentOff(n) => format!("{n}% off"),
                    PromoBenefit::ExtraDays(n) => format!("+{n} days"),
                };
                let window = match (p.starts_at, p.ends_at) {
                    (None, None) => "always".to_owned(),
                    (s, e) => format!(
                        "{} … {}",
                        s.map(iso_date_of_ms).unwrap_or_default(),
                        e.map(iso_date_of_ms).unwrap_or_default()
                    ),
                };
                let uses = match p.max_uses {
                    Some(m) => format!("{}/{m} used", p.uses),
                    None => format!("{} used", p.uses),
                };
                println!(
                    "{:<20} {:<28} {:<26} {:<12} {} per customer{}",
                    p.code,
                    benefit,
                    window,
                    uses,
                    p.per_customer,
                    if p.active { "" } else { "  (disabled)" }
                );
            }
        }
        PromoCommand::Disable { bot, code: text } => switch(&store, &platform, bot, &text, false).await?,
        PromoCommand::Enable { bot, code: text } => switch(&store, &platform, bot, &text, true).await?,
    }
    Ok(())
}

async fn switch(
    store: &bazar_store::Store,
    platform: &PlatformScope,
    bot: bazar_domain::BotId,
    text: &str,
    enable: bool,
) -> Result<(), CliError> {
    let scope = store.platform(platform).tenant(bot).await?;
    let promo_code = normalize_promo_code(text).map_err(|e| CliError::input(e.to_string()))?;
    let missing = || CliError::input(format!("bot {bot} has no promo code {promo_code}"));
    let mut tx = store.tenant(&scope).begin().await?;
    let promo = tx.promo(&promo_code).await?.ok_or_else(missing)?;
    let update = PromoUpdate { active: Some(enable), ..PromoUpdate::default() };
    promos::update(&mut tx, promo.id, update).await.map_err(refusal)?.ok_or_else(missing)?;
    tx.commit().await?;
    println!("bot {bot}: promo code {promo_code} {}", if enable { "enabled" } else { "disabled" });
    Ok(())
}

/// Unix ms at 00:00 UTC of a `YYYY-MM-DD` day.
fn day_start(text: &str, option: &str) -> Result<i64, CliError> {
    let bad = || CliError::input(format!("{option} must be a date like 2026-03-20"));
    let parts: Vec<i64> = text.trim().split('-').map(|p| p.parse().map_err(|_| bad())).collect::<Result<_, _>>()?;
    let [y, m, d] = parts[..] else { return Err(bad()) };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1970..=9999).contains(&y) {
        return Err(bad());
    }
    Ok(days_from_civil(y, m, d) * 86_400_000)
}
