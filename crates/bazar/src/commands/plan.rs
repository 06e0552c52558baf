//! `bazar plan add|list|update|disable|enable`.

use crate::cli::{PlanCommand, PlanFields};
use crate::config::Config;
use crate::context::open_store;
use crate::error::CliError;
use bazar_domain::{
    ConfigKey, ConfigValue, Currency, Irr, Irt, Money, PlanNames, check_devices, check_duration, group_thousands,
    parse_traffic_gb,
};
use bazar_store::{NewPlan, Plan, PlanUpdate, PlatformScope, Store, TenantScope};

/// Runs a plan command.
pub async fn run(config: &Config, command: PlanCommand) -> Result<(), CliError> {
    let store = open_store(config).await?;
    let platform = PlatformScope::for_operator();
    match command {
        PlanCommand::Add { bot, fields } => {
            let scope = store.platform(&platform).tenant(bot).await?;
            let currency = tenant_currency(&store, &scope).await?;
            let names =
                PlanNames { fa: fields.name_fa.clone(), ru: fields.name_ru.clone(), en: fields.name_en.clone() }
                    .validated()
                    .map_err(input)?;
            let days =
                check_duration(fields.days.ok_or_else(|| CliError::input("--days is required"))?).map_err(input)?;
            let traffic = parse_traffic_gb(fields.traffic_gb.as_deref().unwrap_or("unlimited")).map_err(input)?;
            let devices = devices(fields.devices)?.flatten();
            let price =
                price(fields.price.as_deref().ok_or_else(|| CliError::input("--price is required"))?, currency)?;
            let plan = NewPlan {
                names,
                duration_days: days,
                traffic_bytes: traffic,
                device_limit: devices,
                price,
                currency: code(currency),
                sort: fields.sort.unwrap_or(0),
                panel_options: panel_options(&fields)?,
            };
            let created = store.tenant(&scope).add_plan(&plan).await?;
            println!("bot {bot}: added plan {}", line(&created));
        }
        PlanCommand::List { bot } => {
            let scope = store.platform(&platform).tenant(bot).await?;
            let plans = store.tenant(&scope).plans(false).await?;
            if plans.is_empty() {
                println!("bot {bot} has no plans; add one with `bazar plan add {bot} --name … --days 30 --price …`");
            }
            for plan in plans {
                println!("{}", line(&plan));
            }
        }
        PlanCommand::Update { bot, plan, fields } => {
            let scope = store.platform(&platform).tenant(bot).await?;
            let currency = tenant_currency(&store, &scope).await?;
            let update = PlanUpdate {
                names: names_update(&fields)?,
                duration_days: fields.days.map(check_duration).transpose().map_err(input)?,
                traffic_bytes: fields.traffic_gb.as_deref().map(parse_traffic_gb).transpose().map_err(input)?,
                device_limit: devices(fields.devices)?,
                price: fields.price.as_deref().map(|p| price(p, currency)).transpose()?,
                sort: fields.sort,
                active: None,
            };
            let updated = store.tenant(&scope).update_plan(plan, &update).await?.ok_or_else(|| no_plan(bot, plan))?;
            println!("bot {bot}: updated plan {}", line(&updated));
        }
        PlanCommand::Disable { bot, plan } | PlanCommand::Enable { bot, plan } => {
            let active = matches!(command, PlanCommand::Enable { .. });
            let scope = store.platform(&platform).tenant(bot).await?;
            let update = PlanUpdate { active: Some(active), ..PlanUpdate::default() };
            let updated = store.tenant(&scope).update_plan(plan, &update).await?.ok_or_else(|| no_plan(bot, plan))?;
            println!("bot {bot}: plan {} is now {}", updated.id, if active { "offered" } else { "not offered" });
        }
    }
    Ok(())
}

fn input(e: impl std::fmt::Display) -> CliError {
    CliError::input(e.to_string())
}

fn no_plan(bot: bazar_domain::BotId, plan: i64) -> CliError {
    CliError::input(format!("bot {bot} has no plan {plan}"))
}

/// The tenant's configured fiat currency.
pub async fn tenant_currency(store: &Store, scope: &TenantScope) -> Result<Currency, CliError> {
    match store.tenant(scope).settings().await?.config(ConfigKey::Currency) {
        ConfigValue::Currency(c) => Ok(*c),
        _ => Ok(Currency::Irt),
    }
}

/// The stored code of a fiat currency.
pub fn code(currency: Currency) -> &'static str {
    match currency {
        Currency::Irr => "IRR",
        Currency::Irt => "IRT",
    }
}

fn price(text: &str, currency: Currency) -> Result<i64, CliError> {
    if text.trim() == "0" {
        return Ok(0);
    }
    let minor = match currency {
        Currency::Irr => Money::<Irr>::parse_positive(text).map(Money::minor),
        Currency::Irt => Money::<Irt>::parse_positive(text).map(Money::minor),
    };
    minor.map_err(|e| CliError::input(format!("--price: {e}")))
}

/// Panel-specific options of a plan (`bazar_panels::PlanOptions` as JSON).
fn panel_options(fields: &PlanFields) -> Result<serde_json::Value, CliError> {
    let mut options = serde_json::json!({});
    if !fields.squads.is_empty() {
        for squad in &fields.squads {
            if !bazar_domain::is_squad_id(squad) {
                return Err(CliError::input(format!("--squad `{squad}` is not a UUID")));
            }
        }
        options["remnawave_squads"] = serde_json::json!(fields.squads);
    }
    if let Some(inbounds) = &fields.inbounds {
        let value: serde_json::Value = serde_json::from_str(inbounds)
            .ok()
            .filter(|v: &serde_json::Value| v.as_object().is_some_and(|o| o.values().all(|l| l.is_array())))
            .ok_or_else(|| CliError::input("--inbounds must be JSON like {\"vless\":[\"VLESS TCP\"]}"))?;
        options["marzban_inbounds"] = value;
    }
    Ok(options)
}

fn devices(devices: Option<u32>) -> Result<Option<Option<u32>>, CliError> {
    match devices {
        None => Ok(None),
        Some(0) => Ok(Some(None)),
        Some(n) => Ok(Some(Some(check_devices(n).map_err(input)?))),
    }
}

fn names_update(fields: &PlanFields) -> Result<Option<PlanNames>, CliError> {
    if fields.name_fa.is_none() && fields.name_ru.is_none() && fields.name_en.is_none() {
        return Ok(None);
    }
    let names = PlanNames { fa: fields.name_fa.clone(), ru: fields.name_ru.clone(), en: fields.name_en.clone() };
    names.validated().map(Some).map_err(input)
}

fn line(plan: &Plan) -> String {
    let traffic = plan.traffic_bytes.map(|b| format!("{} GB", b >> 30)).unwrap_or_else(|| "unlimited".into());
    let devices = plan.device_limit.map(|d| format!("{d} devices")).unwrap_or_else(|| "any devices".into());
    format!(
        "{:>4}  {:<24} {:>4} days  {:<10} {:<12} {:>12} {}  {}",
        plan.id,
        plan.names.name(bazar_domain::Language::En),
        plan.duration_days,
        traffic,
        devices,
        group_thousands(plan.price),
        plan.currency,
        if plan.active { "" } else { "(not offered)" }
    )
}
