//! `bazar bot add|list|disable|enable|suspend|remove|rotate-api-token`.

use crate::cli::{BotAdd, BotCommand};
use crate::config::Config;
use crate::context::open_store;
use crate::error::CliError;
use bazar_domain::{BotStatus, BotToken};
use bazar_store::{BotRecord, NewBot, PlatformScope};
use bazar_telegram::BotApi;
use serde_json::json;
use std::io::Read;

/// Runs a bot command.
pub async fn run(config: &Config, platform: PlatformScope, command: BotCommand) -> Result<(), CliError> {
    match command {
        BotCommand::Add(args) => add(config, platform, args).await,
        BotCommand::List { json } => list(config, platform, json).await,
        BotCommand::Disable { id } => set_status(config, platform, id, BotStatus::Disabled).await,
        BotCommand::Enable { id } => set_status(config, platform, id, BotStatus::Active).await,
        BotCommand::Suspend { id } => set_status(config, platform, id, BotStatus::Suspended).await,
        BotCommand::Remove { id, yes } => remove(config, platform, id, yes).await,
        BotCommand::RotateApiToken { id, json } => rotate(config, platform, id, json).await,
    }
}

async fn add(config: &Config, platform: PlatformScope, args: BotAdd) -> Result<(), CliError> {
    let text = if args.token == "-" {
        let mut buf = String::new();
        std::io::stdin().read_to_string(&mut buf)?;
        buf
    } else {
        args.token.clone()
    };
    let token = BotToken::parse(&text).map_err(|e| CliError::input(e.to_string()))?;
    // Check the token with Telegram before anything is written.
    let (username, telegram_name) = if args.no_verify {
        (None, None)
    } else {
        let me = BotApi::new(config.telegram_api_url.as_str()).get_me(&token).await.map_err(|e| {
            if e.is_unauthorized() {
                CliError::input(
                    "Telegram rejected this bot token (revoked or mistyped); get a fresh one from @BotFather",
                )
            } else {
                e.into()
            }
        })?;
        if me.id != token.telegram_bot_id() || !me.is_bot {
            return Err(CliError::input("getMe answered for a different bot than the token names"));
        }
        (me.username, Some(me.first_name))
    };
    let name = args
        .name
        .or(telegram_name)
        .or_else(|| username.clone())
        .unwrap_or_else(|| format!("bot {}", token.telegram_bot_id()));
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(CliError::input("--name must be 1 to 64 characters"));
    }
    let store = open_store(config).await?;
    let (record, api_token) = store
        .platform(&platform)
        .add_bot(NewBot { token, name, username, is_master: args.master, admins: args.admins, owner: args.owner })
        .await?;
    if args.json {
        let mut value = bot_json(&record);
        value["api_token"] = json!(api_token.expose());
        println!("{value}");
    } else {
        println!("Added bot {} ({}{}).", record.id, record.name, at(&record));
        println!(
            "API token for this bot, shown only this once (store it now; `bazar bot rotate-api-token {}` replaces it):",
            record.id
        );
        println!("  {}", api_token.expose());
    }
    Ok(())
}

async fn list(config: &Config, platform: PlatformScope, json: bool) -> Result<(), CliError> {
    let store = open_store(config).await?;
    let bots = store.platform(&platform).list_bots().await?;
    if json {
        println!("{}", serde_json::Value::Array(bots.iter().map(bot_json).collect()));
        return Ok(());
    }
    if bots.is_empty() {
        println!("no bots yet; add one with `bazar bot add --token TOKEN`");
        return Ok(());
    }
    println!("{:>5}  {:<10} {:<7} {:>9}  {:<24} NAME", "ID", "STATUS", "MASTER", "CUSTOMERS", "USERNAME");
    for b in &bots {
        println!(
            "{:>5}  {:<10} {:<7} {:>9}  {:<24} {}",
            b.id,
            b.status,
            if b.is_master { "yes" } else { "" },
            b.customer_count,
            b.username.as_deref().map(|u| format!("@{u}")).unwrap_or_default(),
            b.name
        );
    }
    Ok(())
}

async fn set_status(
    config: &Config,
    platform: PlatformScope,
    id: bazar_domain::BotId,
    status: BotStatus,
) -> Result<(), CliError> {
    let store = open_store(config).await?;
    let record = store.platform(&platform).set_status(id, status).await?;
    println!("bot {} ({}{}) is now {}", record.id, record.name, at(&record), record.status);
    Ok(())
}

async fn remove(config: &Config, platform: PlatformScope, id: bazar_domain::BotId, yes: bool) -> Result<(), CliError> {
    let store = open_store(config).await?;
    let record = store.platform(&platform).bot(id).await?;
    let impact = store.platform(&platform).removal_impact(id).await?;
    let what = format!(
        "bot {} ({}{}) and all of its tenant's data: {} customers, {} admins, {} API tokens, {} settings",
        record.id,
        record.name,
        at(&record),
        impact.customers,
        impact.admins,
        impact.api_tokens,
        impact.settings
    );
    if !yes {
        return Err(CliError::input(format!(
            "this would permanently delete {what}; to keep the data and just stop the bot use `bazar bot disable {id}`; re-run with --yes to delete"
        )));
    }
    store.platform(&platform).remove_bot(id).await?;
    println!("deleted {what}");
    Ok(())
}

async fn rotate(config: &Config, platform: PlatformScope, id: bazar_domain::BotId, json: bool) -> Result<(), CliError> {
    let store = open_store(config).await?;
    let token = store.platform(&platform).rotate_api_token(id).await?;
    if json {
        println!("{}", json!({"id": id, "api_token": token.expose()}));
    } else {
        println!("Revoked the previous API tokens of bot {id}. New API token, shown only this once:");
        println!("  {}", token.expose());
    }
    Ok(())
}

fn at(record: &BotRecord) -> String {
    record.username.as_deref().map(|u| format!(", @{u}")).unwrap_or_default()
}

fn bot_json(b: &BotRecord) -> serde_json::Value {
    json!({
        "id": b.id,
        "name": b.name,
        "username": b.username,
        "telegram_bot_id": b.telegram_bot_id,
        "is_master": b.is_master,
        "status": b.status.as_str(),
        "owner_telegram_id": b.owner_telegram_id,
        "customers": b.customer_count,
        "created_at_ms": b.created_at,
    })
}
