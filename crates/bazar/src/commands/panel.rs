//! `bazar panel add|list|options|assign`.

use crate::cli::PanelCommand;
use crate::config::Config;
use crate::context::open_store;
use crate::error::CliError;
use bazar_domain::{PanelCatalog, PanelId};
use bazar_panels::{PanelConfig, PanelCredentials, PanelKind};
use bazar_store::{NewPanel, PlatformScope};
use secrecy::SecretString;
use std::io::Read;

/// Runs a panel command.
pub async fn run(config: &Config, platform: PlatformScope, command: PanelCommand) -> Result<(), CliError> {
    match command {
        PanelCommand::Add { name, kind, url, credentials, token, username, password, default, no_verify } => {
            let spec = bazar_panels::parse_kind(&kind).map_err(|e| CliError::input(format!("--kind: {e}")))?;
            let parsed = url::Url::parse(url.trim()).map_err(|_| CliError::input("--url must be an http(s) URL"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(CliError::input("--url must be an http(s) URL"));
            }
            let name = name.trim().to_owned();
            if name.is_empty() || name.chars().count() > 64 {
                return Err(CliError::input("--name must be 1 to 64 characters"));
            }
            let given = credentials
                .into_iter()
                .map(|pair| {
                    // Nothing of the value is echoed: it may be a secret typed without its key.
                    let (key, value) = pair.split_once('=').ok_or_else(|| {
                        CliError::input(
                            "--credential: write it as KEY=VALUE, e.g. token=… (see --help for each kind's keys)",
                        )
                    })?;
                    Ok((key.to_owned(), value.to_owned()))
                })
                .chain(token.map(|t| Ok(("token".to_owned(), t))))
                .chain(username.map(|u| Ok(("username".to_owned(), u))))
                .chain(password.map(|p| Ok(("password".to_owned(), p))))
                .collect::<Result<Vec<_>, CliError>>()?;
            let mut credentials = PanelCredentials::default();
            for (key, value) in given {
                credentials = credentials.with(&key, secret_arg(value)?);
            }
            credentials.matching(spec.credentials).map_err(|e| {
                CliError::input(format!("a {} panel logs in with {}; given: {}", spec.name, e.expected, e.given))
            })?;
            let kind = spec.kind();
            let base_url = parsed.as_str().trim_end_matches('/').to_owned();
            // Reading what the panel offers plans checks the URL and the
            // credentials at once, and keeps the catalog for plan checks.
            let catalog = if no_verify {
                None
            } else {
                let panel = bazar_panels::connect(
                    PanelConfig { kind: kind.clone(), base_url: base_url.clone(), credentials: credentials.clone() },
                    reqwest::Client::new(),
                )
                .map_err(|e| CliError::input(format!("panel: {e}")))?;
                let catalog = panel
                    .catalog()
                    .await
                    .map_err(|e| CliError::input(format!("the panel did not answer as expected: {e}")))?;
                Some(catalog)
            };
            let store = open_store(config).await?;
            let record = store
                .platform(&platform)
                .add_panel(NewPanel { name, kind: kind.clone(), base_url, credentials, make_default: default, catalog })
                .await?;
            println!(
                "added panel {} ({}, {}){}",
                record.id,
                record.name,
                record.kind,
                if record.is_default { ", the default" } else { "" }
            );
            if let Some(catalog) = &record.catalog {
                print_catalog(&kind, catalog);
            }
        }
        PanelCommand::Options { panel } => {
            let store = open_store(config).await?;
            let record = store
                .platform(&platform)
                .panels()
                .await?
                .into_iter()
                .find(|p| p.id == panel)
                .ok_or_else(|| CliError::input(format!("no panel with id {panel}")))?;
            let provisioner = crate::context::provisioner(config, &store, platform);
            let catalog = provisioner
                .refresh_catalog(panel)
                .await
                .map_err(|e| CliError::input(format!("could not read the panel's options: {e}")))?;
            print_catalog(&record.kind, &catalog);
        }
        PanelCommand::Drift { bot } => {
            let store = open_store(config).await?;
            let scope = store.platform(&platform).tenant(bot).await?;
            let provisioner = crate::context::provisioner(config, &store, platform);
            let report = bazar_shop::drift::check(&provisioner, &scope).await?;
            print_drift(&report);
        }
        PanelCommand::List => {
            let store = open_store(config).await?;
            let panels = store.platform(&platform).panels().await?;
            if panels.is_empty() {
                println!(
                    "no panels yet; add one with `bazar panel add --name … --kind … --url … --credential …` (see --help)"
                );
            }
            for p in panels {
                println!(
                    "{:>4}  {:<20} {:<10} {}{}{}",
                    p.id,
                    p.name,
                    p.kind,
                    p.base_url,
                    if p.is_default { "  (default)" } else { "" },
                    health_note(&p.health)
                );
            }
        }
        PanelCommand::Assign { bot, panel } => {
            let store = open_store(config).await?;
            let scope = store.platform(&platform).tenant(bot).await?;
            let panel = match panel.as_str() {
                "default" => None,
                id => {
                    let id: PanelId =
                        id.parse().map_err(|_| CliError::input("PANEL must be a panel id or `default`"))?;
                    if !store.platform(&platform).panels().await?.iter().any(|p| p.id == id) {
                        return Err(CliError::input(format!("no panel with id {id}")));
                    }
                    Some(id)
                }
            };
            store.platform(&platform).assign_panel(&scope, panel).await?;
            match panel {
                Some(id) => println!("bot {bot} now uses panel {id}"),
                None => println!("bot {bot} now uses the default panel"),
            }
        }
    }
    Ok(())
}

/// What plans may choose on the panel, field by field of its kind, in the
/// spelling `plan add --option` takes.
fn print_catalog(kind: &PanelKind, catalog: &PanelCatalog) {
    let Ok(spec) = bazar_panels::kind(kind) else {
        println!("(panel kind {kind} is unknown to this version of Bazar)");
        return;
    };
    for field in spec.options {
        let all = if field.all { "all, or " } else { "" };
        let required = if field.required { "" } else { ", optional" };
        println!("{} (plan add --option {}={all}a comma-separated list of these{required}):", field.plural, field.key);
        for entry in catalog.entries(field.key) {
            let detail = entry.detail.as_deref().unwrap_or_default();
            let name = if entry.label == entry.value { String::new() } else { entry.label.clone() };
            let unusable = entry.unusable.as_deref().map(|why| format!(" — {why}")).unwrap_or_default();
            println!("  {:<36} {:<24} {detail}{unusable}", entry.value, name);
        }
    }
}

fn secret_arg(value: String) -> Result<SecretString, CliError> {
    if value == "-" {
        let mut buf = String::new();
        std::io::stdin().read_to_string(&mut buf)?;
        return Ok(SecretString::from(buf.trim().to_owned()));
    }
    Ok(SecretString::from(value))
}

/// What `panel list` says of a panel's health: nothing while it answers.
fn health_note(health: &bazar_store::PanelHealth) -> String {
    let error = health.error.as_deref().unwrap_or("no answer");
    match health.down_since {
        Some(since) => {
            let now =
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
            let minutes = (now - since).max(0) / 60_000;
            format!("  DOWN for {minutes} min, sales paused: {error}")
        }
        None if health.failures > 0 => format!("  (last probe failed: {error})"),
        None => String::new(),
    }
}

/// One line per drifted subscription, then the count.
fn print_drift(report: &bazar_shop::drift::DriftReport) {
    use bazar_shop::drift::Drift;
    for item in &report.items {
        let what: Vec<String> = item
            .drift
            .iter()
            .map(|drift| match drift {
                Drift::Missing => "deleted on the panel".to_owned(),
                Drift::Foreign => "its name is now someone else's user (left alone)".to_owned(),
                Drift::Expiry { ours, panel } => {
                    let panel = panel.map_or("never".to_owned(), |s| bazar_domain::calendar::iso_date_of_ms(s * 1000));
                    format!(
                        "expiry {panel} on the panel, sold until {}",
                        bazar_domain::calendar::iso_date_of_ms(ours * 1000)
                    )
                }
                Drift::Traffic { ours, panel } => {
                    let gb = |b: Option<u64>| {
                        b.map_or("unlimited".to_owned(), |b| format!("{:.1} GB", b as f64 / f64::from(1u32 << 30)))
                    };
                    format!("traffic {} on the panel, sold {}", gb(*panel), gb(*ours))
                }
                Drift::Disabled => "switched off on the panel".to_owned(),
                Drift::Unreadable(why) => format!("the panel could not be asked: {why}"),
            })
            .collect();
        let outcome = if item.fixed { "put back" } else { "NOT fixed" };
        println!("subscription {} ({}): {} — {outcome}", item.subscription, item.username, what.join("; "));
    }
    let fixed = report.items.iter().filter(|i| i.fixed).count();
    println!(
        "{} active subscriptions compared with the panel: {} drifted, {fixed} put back, {} left as they are",
        report.checked,
        report.items.len(),
        report.items.len() - fixed
    );
}
