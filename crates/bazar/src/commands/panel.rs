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
        PanelCommand::Add { name, kind, url, token, username, password, default, no_verify } => {
            let kind: PanelKind = kind.parse().map_err(|_| CliError::input("--kind must be remnawave or marzban"))?;
            let parsed = url::Url::parse(url.trim()).map_err(|_| CliError::input("--url must be an http(s) URL"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(CliError::input("--url must be an http(s) URL"));
            }
            let name = name.trim().to_owned();
            if name.is_empty() || name.chars().count() > 64 {
                return Err(CliError::input("--name must be 1 to 64 characters"));
            }
            let credentials = match (kind, token, username, password) {
                (PanelKind::Remnawave, Some(token), None, None) => PanelCredentials::Token(secret_arg(token)?),
                (PanelKind::Marzban, None, Some(username), Some(password)) => {
                    PanelCredentials::Login { username, password: secret_arg(password)? }
                }
                (PanelKind::Remnawave, ..) => {
                    return Err(CliError::input("a Remnawave panel needs --token (and nothing else)"));
                }
                (PanelKind::Marzban, ..) => {
                    return Err(CliError::input("a Marzban panel needs --username and --password (and no --token)"));
                }
            };
            let base_url = parsed.as_str().trim_end_matches('/').to_owned();
            // Reading what the panel offers plans checks the URL and the
            // credentials at once, and keeps the catalog for plan checks.
            let catalog = if no_verify {
                None
            } else {
                let panel = bazar_panels::connect(
                    PanelConfig { kind, base_url: base_url.clone(), credentials: credentials.clone() },
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
                .add_panel(NewPanel { name, kind, base_url, credentials, make_default: default, catalog })
                .await?;
            println!(
                "added panel {} ({}, {}){}",
                record.id,
                record.name,
                record.kind,
                if record.is_default { ", the default" } else { "" }
            );
            if let Some(catalog) = &record.catalog {
                print_catalog(kind, catalog);
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
            print_catalog(record.kind, &catalog);
        }
        PanelCommand::List => {
            let store = open_store(config).await?;
            let panels = store.platform(&platform).panels().await?;
            if panels.is_empty() {
                println!("no panels yet; add one with `bazar panel add --name … --kind remnawave --url … --token …`");
            }
            for p in panels {
                println!(
                    "{:>4}  {:<20} {:<10} {}{}",
                    p.id,
                    p.name,
                    p.kind,
                    p.base_url,
                    if p.is_default { "  (default)" } else { "" }
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

/// What plans may choose on the panel, in the spelling `plan add` takes.
fn print_catalog(kind: PanelKind, catalog: &PanelCatalog) {
    match kind {
        PanelKind::Marzban => {
            println!("inbounds (plan add --inbounds all, or a comma-separated list of these tags):");
            for inbound in &catalog.inbounds {
                println!("  {:<32} {}", inbound.tag, inbound.protocol);
            }
        }
        PanelKind::Remnawave => {
            println!("internal squads (plan add --squad UUID, repeatable):");
            for squad in &catalog.squads {
                println!("  {}  {:<24} {} inbounds", squad.uuid, squad.name, squad.inbounds);
            }
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
