//! The command line.

use bazar_domain::{BotId, CardId, PanelId, PaymentId, PlanId, TelegramUserId};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Bazar: many VPN resellers' Telegram shop bots from one deployment.
#[derive(Debug, Parser)]
#[command(name = "bazar", version, about, after_long_help = crate::config::Config::help_text())]
pub struct Cli {
    /// Configuration file (default: ./bazar.toml when present).
    #[arg(long, global = true, env = "BAZAR_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the platform: HTTP server (health, metrics) and every active bot.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Register and manage tenant bots.
    #[command(subcommand)]
    Bot(BotCommand),
    /// Read or switch a tenant's feature flags.
    #[command(subcommand)]
    Flag(FlagCommand),
    /// Read or change a tenant's typed configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Manage a tenant's admins.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Manage what a tenant sells.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Look at or correct a customer's wallet.
    #[command(subcommand)]
    Wallet(WalletCommand),
    /// Check a tenant's books.
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// Register VPN panels and choose which one serves a tenant.
    #[command(subcommand)]
    Panel(PanelCommand),
    /// Manage a tenant's promo codes.
    #[command(subcommand)]
    Promo(PromoCommand),
    /// Manage a tenant's bank cards for card-to-card payments.
    #[command(subcommand)]
    Card(CardCommand),
    /// Set up a tenant's Zarinpal gateway.
    #[command(subcommand)]
    Zarinpal(ZarinpalCommand),
    /// Look at a tenant's payments; refund Telegram Stars.
    #[command(subcommand)]
    Payment(PaymentCommand),
}

/// `bazar card …`
#[derive(Debug, Subcommand)]
pub enum CardCommand {
    /// Add a card customers transfer to (the number is Luhn-checked; listings show it masked).
    Add {
        /// The bot's id.
        bot: BotId,
        /// The 16-digit card number (spaces and dashes allowed).
        #[arg(long)]
        number: String,
        /// The account holder's name, as the bank shows it to the payer.
        #[arg(long)]
        holder: String,
        /// The account's IBAN (Sheba), e.g. IR06 2960 0000 0010 0324 2000 01.
        #[arg(long)]
        iban: Option<String>,
        /// Share of payments under weighted rotation (1-100).
        #[arg(long, default_value_t = 1)]
        weight: u32,
        /// Most assigned to this card per Tehran day, in the tenant's currency.
        #[arg(long)]
        daily_cap: Option<String>,
    },
    /// List the tenant's cards (masked) with today's use.
    List {
        /// The bot's id.
        bot: BotId,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Change a card; only the options given change.
    Update {
        /// The bot's id.
        bot: BotId,
        /// The card's id (see `bazar card list`).
        card: CardId,
        /// New holder name.
        #[arg(long)]
        holder: Option<String>,
        /// New IBAN, or `none` to remove it.
        #[arg(long)]
        iban: Option<String>,
        /// New weight (1-100).
        #[arg(long)]
        weight: Option<u32>,
        /// New daily cap in the tenant's currency, or `none` for no cap.
        #[arg(long)]
        daily_cap: Option<String>,
    },
    /// Stop showing a card to customers (open payments to it are not touched).
    Disable {
        /// The bot's id.
        bot: BotId,
        /// The card's id.
        card: CardId,
    },
    /// Show a disabled card again.
    Enable {
        /// The bot's id.
        bot: BotId,
        /// The card's id.
        card: CardId,
    },
}

/// `bazar zarinpal …`
#[derive(Debug, Subcommand)]
pub enum ZarinpalCommand {
    /// Store the tenant's merchant id (sealed at rest; never printed).
    Set {
        /// The bot's id.
        bot: BotId,
        /// The merchant id (a UUID); `-` reads it from standard input.
        #[arg(long, env = "BAZAR_ZARINPAL_MERCHANT_ID", hide_env_values = true)]
        merchant_id: String,
        /// Send payments to Zarinpal's sandbox: on or off.
        #[arg(long, default_value = "off")]
        sandbox: String,
    },
    /// Whether the tenant has a merchant id, and whether it uses the sandbox.
    Show {
        /// The bot's id.
        bot: BotId,
    },
    /// Forget the tenant's merchant id.
    Remove {
        /// The bot's id.
        bot: BotId,
    },
}

/// `bazar payment …`
#[derive(Debug, Subcommand)]
pub enum PaymentCommand {
    /// The tenant's payments, newest first.
    List {
        /// The bot's id.
        bot: BotId,
        /// Only this status: pending, submitted, paid, rejected, expired, failed, refunded.
        #[arg(long)]
        status: Option<String>,
        /// Only this method: card, zarinpal, stars.
        #[arg(long)]
        method: Option<String>,
        /// How many (1-500).
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// One payment with its status history.
    Show {
        /// The bot's id.
        bot: BotId,
        /// The payment's id (see `bazar payment list`).
        payment: PaymentId,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Give a paid Telegram Stars payment back: Telegram returns the Stars, the wallet gives back its credit.
    Refund {
        /// The bot's id.
        bot: BotId,
        /// The payment's id.
        payment: PaymentId,
    },
}

/// `bazar promo …`
#[derive(Debug, Subcommand)]
pub enum PromoCommand {
    /// Create a code giving exactly one of --bonus, --percent or --days.
    Add {
        /// The bot's id.
        bot: BotId,
        /// The code customers type (3-32 letters, digits, `_`, `-`; case does not matter).
        code: String,
        /// Wallet bonus in the tenant's currency.
        #[arg(long, group = "benefit")]
        bonus: Option<String>,
        /// Percent off the next purchase (1-100).
        #[arg(long, group = "benefit")]
        percent: Option<u8>,
        /// Extra days on the next purchase (1-365).
        #[arg(long, group = "benefit")]
        days: Option<u32>,
        /// First valid day (YYYY-MM-DD, UTC).
        #[arg(long)]
        from: Option<String>,
        /// Last valid day (YYYY-MM-DD, UTC, inclusive).
        #[arg(long)]
        until: Option<String>,
        /// Uses allowed in total.
        #[arg(long)]
        max_uses: Option<i64>,
        /// Uses allowed per customer.
        #[arg(long, default_value_t = 1)]
        per_customer: i64,
    },
    /// List the tenant's codes with their uses.
    List {
        /// The bot's id.
        bot: BotId,
    },
    /// Stop a code from being used.
    Disable {
        /// The bot's id.
        bot: BotId,
        /// The code.
        code: String,
    },
    /// Allow a disabled code again.
    Enable {
        /// The bot's id.
        bot: BotId,
        /// The code.
        code: String,
    },
}

/// `bazar panel …`
#[derive(Debug, Subcommand)]
pub enum PanelCommand {
    /// Register a panel (its credentials are sealed at rest). Checks it answers first.
    #[command(after_help = panel_kinds_help())]
    Add {
        /// A unique name for it.
        #[arg(long)]
        name: String,
        /// Its kind (listed below).
        #[arg(long)]
        kind: String,
        /// Base URL of the panel's API, e.g. https://panel.example.com
        #[arg(long)]
        url: String,
        /// A credential of the kind, `KEY=VALUE` (repeatable; the kinds below
        /// say which). A value `-` is read from standard input.
        #[arg(long = "credential", value_name = "KEY=VALUE")]
        credentials: Vec<String>,
        /// Shorthand for `--credential token=…` (`-` reads it from standard input).
        #[arg(long, env = "BAZAR_PANEL_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// Shorthand for `--credential username=…`.
        #[arg(long)]
        username: Option<String>,
        /// Shorthand for `--credential password=…` (`-` reads it from standard input).
        #[arg(long, env = "BAZAR_PANEL_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// Serve every tenant that has no panel of its own.
        #[arg(long)]
        default: bool,
        /// Do not contact the panel before saving it.
        #[arg(long)]
        no_verify: bool,
    },
    /// List panels (never their credentials).
    List,
    /// Read what a panel offers plans (per option field of its kind: Marzban
    /// inbounds, Remnawave internal squads, …) and list it, in the spelling
    /// `plan add --option KEY=VALUE` takes.
    Options {
        /// The panel's id (see `panel list`).
        panel: PanelId,
    },
    /// Give a tenant its own panel, or `default` to use the platform's default.
    Assign {
        /// The bot's id.
        bot: BotId,
        /// A panel id, or `default`.
        panel: String,
    },
    /// Compare a tenant's active subscriptions with their panel users and put
    /// back what was changed or deleted on the panel behind Bazar's back
    /// (expiry, traffic allowance, switched off, deleted); users now held by
    /// someone else are reported and left alone.
    Drift {
        /// The bot's id.
        bot: BotId,
    },
}

/// `bazar plan …`
#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Add a plan, priced in the tenant's configured currency.
    Add {
        /// The bot's id.
        bot: BotId,
        #[command(flatten)]
        fields: PlanFields,
    },
    /// List the tenant's plans (inactive ones too).
    List {
        /// The bot's id.
        bot: BotId,
    },
    /// Change a plan; only the options given change.
    Update {
        /// The bot's id.
        bot: BotId,
        /// The plan's id (see `bazar plan list`).
        plan: PlanId,
        #[command(flatten)]
        fields: PlanFields,
    },
    /// Stop offering a plan (existing subscriptions are not touched).
    Disable {
        /// The bot's id.
        bot: BotId,
        /// The plan's id.
        plan: PlanId,
    },
    /// Offer a disabled plan again.
    Enable {
        /// The bot's id.
        bot: BotId,
        /// The plan's id.
        plan: PlanId,
    },
}

/// A plan's fields on the command line.
#[derive(Debug, Args)]
pub struct PlanFields {
    /// Name in English.
    #[arg(long = "name-en", alias = "name")]
    pub name_en: Option<String>,
    /// Name in Persian.
    #[arg(long = "name-fa")]
    pub name_fa: Option<String>,
    /// Name in Russian.
    #[arg(long = "name-ru")]
    pub name_ru: Option<String>,
    /// Length in days (1-3650).
    #[arg(long)]
    pub days: Option<u32>,
    /// Traffic in GB, or `unlimited`.
    #[arg(long = "traffic-gb")]
    pub traffic_gb: Option<String>,
    /// Simultaneous devices (1-100), or 0 for no limit.
    #[arg(long)]
    pub devices: Option<u32>,
    /// Price in the tenant's currency (whole units, e.g. 150000).
    #[arg(long)]
    pub price: Option<String>,
    /// Display order (smaller first).
    #[arg(long, allow_negative_numbers = true)]
    pub sort: Option<i32>,
    /// A panel option, `KEY=VALUE`: VALUE is `all` or a comma-separated list
    /// (repeatable; a key given twice keeps the last). Which keys a panel
    /// kind reads: `bazar panel add --help`; what the panel offers:
    /// `bazar panel options PANEL`.
    #[arg(long = "option", value_name = "KEY=VALUE")]
    pub options: Vec<String>,
    /// Shorthand for `--option squads=UUID` (repeatable: the squads add up).
    #[arg(long = "squad", value_name = "UUID")]
    pub squads: Vec<String>,
    /// Shorthand for `--option inbounds=VALUE`.
    #[arg(long, value_name = "all|TAGS")]
    pub inbounds: Option<String>,
}

/// `bazar wallet …`
#[derive(Debug, Subcommand)]
pub enum WalletCommand {
    /// Balance and recent entries of a customer.
    Show {
        /// The bot's id.
        bot: BotId,
        /// The customer's Telegram id.
        telegram_id: TelegramUserId,
    },
    /// Credit (positive) or debit (negative) a customer's wallet, with a reason.
    Adjust {
        /// The bot's id.
        bot: BotId,
        /// The customer's Telegram id.
        telegram_id: TelegramUserId,
        /// Signed amount in the tenant's currency, e.g. 50000 or -20000.
        #[arg(allow_hyphen_values = true)]
        amount: String,
        /// Why (kept in the ledger).
        #[arg(long)]
        reason: String,
        /// Idempotency key: the same key never posts twice (default: a fresh one).
        #[arg(long)]
        key: Option<String>,
    },
}

/// `bazar ledger …`
#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Prove every balance equals the sum of its ledger entries.
    Check {
        /// The bot's id.
        bot: BotId,
    },
}

/// `bazar bot …`
#[derive(Debug, Subcommand)]
pub enum BotCommand {
    /// Register a bot. Prints its id and its API token, once.
    Add(BotAdd),
    /// List every bot (never prints secrets).
    List {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Stop serving a bot; its data is kept.
    Disable {
        /// The bot's id (see `bazar bot list`).
        id: BotId,
    },
    /// Serve a disabled or suspended bot again.
    Enable {
        /// The bot's id.
        id: BotId,
    },
    /// Suspend a bot: customers are told the shop is unavailable; data is kept.
    Suspend {
        /// The bot's id.
        id: BotId,
    },
    /// Delete a bot and all of its tenant's data.
    Remove {
        /// The bot's id.
        id: BotId,
        /// Confirm the deletion.
        #[arg(long)]
        yes: bool,
    },
    /// Revoke the bot's API tokens and issue a new one (printed once).
    RotateApiToken {
        /// The bot's id.
        id: BotId,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
}

/// Arguments of `bazar bot add`.
#[derive(Debug, Args)]
pub struct BotAdd {
    /// The token from @BotFather; `-` reads it from standard input (keeps it out of shell history).
    #[arg(long, env = "BAZAR_BOT_TOKEN", hide_env_values = true)]
    pub token: String,
    /// Display name (default: the bot's name on Telegram).
    #[arg(long)]
    pub name: Option<String>,
    /// Make this the platform owner's master bot (only one may exist).
    #[arg(long)]
    pub master: bool,
    /// Telegram user id of an admin of this bot (repeatable).
    #[arg(long = "admin", value_name = "TG_ID")]
    pub admins: Vec<TelegramUserId>,
    /// Telegram user id of the reseller who owns this tenant.
    #[arg(long, value_name = "TG_ID")]
    pub owner: Option<TelegramUserId>,
    /// Do not call getMe to check the token (offline set-up).
    #[arg(long)]
    pub no_verify: bool,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

/// `bazar flag …`
#[derive(Debug, Subcommand)]
pub enum FlagCommand {
    /// Show one flag, or all flags with their effective values.
    Get {
        /// The bot's id.
        bot: BotId,
        /// A flag key; all when omitted.
        key: Option<String>,
    },
    /// Switch a flag on or off.
    Set {
        /// The bot's id.
        bot: BotId,
        /// A flag key (see `bazar flag get BOT`).
        key: String,
        /// on or off.
        value: String,
    },
}

/// `bazar config …`
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Show one key, or every key with its effective value.
    Get {
        /// The bot's id.
        bot: BotId,
        /// A configuration key; all when omitted.
        key: Option<String>,
    },
    /// Set a key (validated against its type).
    Set {
        /// The bot's id.
        bot: BotId,
        /// A configuration key (see `bazar config get BOT`).
        key: String,
        /// The new value.
        value: String,
    },
    /// Reset a key to its default.
    Unset {
        /// The bot's id.
        bot: BotId,
        /// A configuration key.
        key: String,
    },
}

/// `bazar admin …`
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// List a bot's admins.
    List {
        /// The bot's id.
        bot: BotId,
    },
    /// Make a Telegram user an admin of the bot.
    Add {
        /// The bot's id.
        bot: BotId,
        /// The user's Telegram id.
        telegram_id: TelegramUserId,
        /// Allow them to add and remove other admins.
        #[arg(long)]
        manage_admins: bool,
    },
    /// Remove an admin.
    Remove {
        /// The bot's id.
        bot: BotId,
        /// The user's Telegram id.
        telegram_id: TelegramUserId,
    },
}

/// Every panel kind with its credentials and plan options, for `panel add --help`.
fn panel_kinds_help() -> String {
    format!("Panel kinds:\n{}", bazar_panels::kinds::describe())
}
