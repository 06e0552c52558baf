//! `bazar plan add|list|update|disable|enable`: the shared plan use cases
//! (`bazar_shop::plans`), fed from the command line.

use crate::cli::{PlanCommand, PlanFields};
use crate::config::Config;
use crate::context::{open_store, provisioner};
use crate::error::CliError;
use bazar_domain::{Choice, Currency, OptionsChange, PlanNames, group_thousands, parse_price, parse_traffic_gb};
use bazar_shop::plans::{self, PanelView, PlanChange, PlanDraft, PlanRefusal};
use bazar_store::{Plan, PlatformScope, Store, TenantScope};

/// Runs a plan command.
pub async fn run(config: &Config, platform: PlatformScope, command: PlanCommand) -> Result<(), CliError> {
    let store = open_store(config).await?;
    match command {
        PlanCommand::Add { bot, fields } => {
            let scope = store.platform(&platform).tenant(bot).await?;
            let currency = tenant_currency(&store, &scope).await?;
            let options = options_change(&fields)?;
            let panel = panel_view(config, &store, &platform, &scope).await?;
            let draft = PlanDraft {
                names: PlanNames { fa: fields.name_fa.clone(), ru: fields.name_ru.clone(), en: fields.name_en.clone() },
                days: fields.days.ok_or_else(|| CliError::input("--days is required"))?,
                traffic_bytes: parse_traffic_gb(fields.traffic_gb.as_deref().unwrap_or("unlimited")).map_err(input)?,
                devices: fields.devices.filter(|d| *d > 0),
                price: parse_price(fields.price.as_deref().ok_or_else(|| CliError::input("--price is required"))?)
                    .map_err(|e| CliError::input(format!("--price: {e}")))?,
                currency,
                sort: fields.sort.unwrap_or(0),
                active: true,
                options,
                base_options: Default::default(),
                parse_refusals: Vec::new(),
            };
            let mut tx = store.tenant(&scope).begin().await?;
            let created = plans::create(&mut tx, draft, &panel).await.map_err(refusal)?;
            tx.commit().await?;
            println!("bot {bot}: added plan {}", line(&created));
            warn_about(&created, &panel);
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
            let options = options_change(&fields)?;
            let panel = if options.is_empty() {
                let mut tx = store.tenant(&scope).begin_read().await?;
                let stored = PanelView::stored(&mut tx).await?;
                tx.commit().await?;
                stored
            } else {
                panel_view(config, &store, &platform, &scope).await?
            };
            let change = PlanChange {
                names: names_change(&fields),
                days: fields.days,
                traffic_bytes: fields.traffic_gb.as_deref().map(parse_traffic_gb).transpose().map_err(input)?,
                devices: fields.devices.map(|d| (d > 0).then_some(d)),
                price: fields
                    .price
                    .as_deref()
                    .map(parse_price)
                    .transpose()
                    .map_err(|e| CliError::input(format!("--price: {e}")))?,
                sort: fields.sort,
                active: None,
                options,
                parse_refusals: Vec::new(),
            };
            let mut tx = store.tenant(&scope).begin().await?;
            let updated = plans::update(&mut tx, plan, change, &panel).await.map_err(refusal)?;
            let updated = updated.ok_or_else(|| no_plan(bot, plan))?;
            tx.commit().await?;
            println!("bot {bot}: updated plan {}", line(&updated));
            warn_about(&updated, &panel);
        }
        PlanCommand::Disable { bot, plan } | PlanCommand::Enable { bot, plan } => {
            let active = matches!(command, PlanCommand::Enable { .. });
            let scope = store.platform(&platform).tenant(bot).await?;
            let mut tx = store.tenant(&scope).begin().await?;
            let panel = PanelView::stored(&mut tx).await?;
            let change = PlanChange { active: Some(active), ..PlanChange::default() };
            let updated = plans::update(&mut tx, plan, change, &panel).await.map_err(refusal)?;
            let updated = updated.ok_or_else(|| no_plan(bot, plan))?;
            tx.commit().await?;
            println!("bot {bot}: plan {} is now {}", updated.id, if active { "offered" } else { "not offered" });
        }
    }
    Ok(())
}

/// The tenant's panel with its options read from it now (before the
/// transaction); the copy kept from the last read when it does not answer.
async fn panel_view(
    config: &Config,
    store: &Store,
    platform: &PlatformScope,
    scope: &TenantScope,
) -> Result<PanelView, CliError> {
    Ok(provisioner(config, store, platform.clone()).panel_view(scope).await?)
}

/// Notes what the plan cannot do yet: with no panel it cannot be checked or
/// sold; a limit its panel does not enforce is not shown to customers.
fn warn_about(plan: &Plan, panel: &PanelView) {
    match panel.kind() {
        None => eprintln!(
            "note: no VPN panel serves this shop yet, so the plan's panel options could not be checked; it is sold once a panel is assigned and its options fit it"
        ),
        Some(kind) if plan.device_limit.is_some() && !bazar_panels::capabilities(kind).device_limit => {
            eprintln!("note: this shop's panel ({kind}) enforces no device limit, so customers are not shown one")
        }
        Some(_) => {}
    }
}

/// `--option KEY=VALUE` (and the `--squad`/`--inbounds` shorthands) as a
/// change of the plan's panel options.
fn options_change(fields: &PlanFields) -> Result<OptionsChange, CliError> {
    let mut change = OptionsChange::default();
    for option in &fields.options {
        let (key, value) = option
            .split_once('=')
            .ok_or_else(|| CliError::input(format!("--option `{option}`: write it as KEY=VALUE, e.g. inbounds=all")))?;
        change = change.set(key, value.parse().unwrap_or_else(|never| match never {}));
    }
    if !fields.squads.is_empty() {
        change = change.set("squads", Choice::Values(fields.squads.clone()));
    }
    if let Some(inbounds) = &fields.inbounds {
        change = change.set("inbounds", inbounds.parse().unwrap_or_else(|never| match never {}));
    }
    Ok(change)
}

/// The refusal as one `error:` line, naming the options it is about.
fn refusal(refusal: PlanRefusal) -> CliError {
    use bazar_shop::plans::PlanField;
    match refusal {
        PlanRefusal::Store(e) => e.into(),
        PlanRefusal::Invalid(fields) => {
            let each = fields.iter().map(|f| match f.field {
                PlanField::Price => format!("--price: {}", f.reason),
                _ => f.reason.to_string(),
            });
            CliError::input(each.collect::<Vec<_>>().join("; "))
        }
        other => CliError::input(other.to_string()),
    }
}

fn input(e: impl std::fmt::Display) -> CliError {
    CliError::input(e.to_string())
}

fn no_plan(bot: bazar_domain::BotId, plan: bazar_domain::PlanId) -> CliError {
    CliError::input(format!("bot {bot} has no plan {plan}"))
}

/// The tenant's configured fiat currency.
pub async fn tenant_currency(store: &Store, scope: &TenantScope) -> Result<Currency, CliError> {
    Ok(store.tenant(scope).settings().await?.currency())
}

fn names_change(fields: &PlanFields) -> Option<PlanNames> {
    if fields.name_fa.is_none() && fields.name_ru.is_none() && fields.name_en.is_none() {
        return None;
    }
    Some(PlanNames { fa: fields.name_fa.clone(), ru: fields.name_ru.clone(), en: fields.name_en.clone() })
}

fn line(plan: &Plan) -> String {
    let traffic = plan.traffic_bytes.map(|b| format!("{} GB", b >> 30)).unwrap_or_else(|| "unlimited".into());
    let devices = plan.device_limit.map(|d| format!("{d} devices")).unwrap_or_else(|| "any devices".into());
    let panel: Vec<String> = plan
        .panel_options
        .choices()
        .iter()
        .map(|(key, choice)| match choice {
            Choice::All => format!("{key} all"),
            Choice::Values(values) => format!("{key} {}", values.join(",")),
        })
        .collect();
    format!(
        "{:>4}  {:<24} {:>4} days  {:<10} {:<12} {:>12} {}  {}{}",
        plan.id,
        plan.names.name(bazar_domain::Language::En),
        plan.duration_days,
        traffic,
        devices,
        group_thousands(plan.price.minor()),
        plan.price.code(),
        if plan.active { "" } else { "(not offered)" },
        if panel.is_empty() { String::new() } else { format!("  [{}]", panel.join("; ")) }
    )
}
