//! Shared helpers: the same test body runs on SQLite and on PostgreSQL.
#![allow(dead_code, missing_docs)]

use bazar_domain::{BotToken, TelegramUserId};
use bazar_secrets::{Keyring, MasterKey};
use bazar_store::{CompositionRoot, DatabaseOptions, NewBot, PlatformScope, Store, TenantScope};
use bazar_testkit::postgres::{PgCluster, PgDatabase};
use secrecy::ExposeSecret as _;

/// The test process's platform access: a test binary is its own composition
/// root, claims it once and hands every test a copy.
pub fn platform() -> PlatformScope {
    static SCOPE: std::sync::OnceLock<PlatformScope> = std::sync::OnceLock::new();
    #[expect(clippy::disallowed_methods, reason = "a test binary is its own composition root")]
    let claim = || CompositionRoot::claim().expect("claimed once per test binary").platform_scope();
    SCOPE.get_or_init(claim).clone()
}

/// A database for one test, on one backend.
pub struct TestDb {
    pub options: DatabaseOptions,
    pub key: String,
    pub pg: Option<PgDatabase>,
    pub sqlite_dir: Option<tempfile::TempDir>,
}

pub fn sqlite() -> TestDb {
    let (url, dir) = bazar_testkit::sqlite_url();
    TestDb {
        options: DatabaseOptions::new(url),
        key: MasterKey::generate().to_base64(),
        pg: None,
        sqlite_dir: Some(dir),
    }
}

/// A PostgreSQL database: the app connects as `bazar_app`, migrations run as
/// `bazar_owner`. `None` (skipped loudly) when PostgreSQL is not installed.
pub fn postgres() -> Option<TestDb> {
    let cluster = PgCluster::shared()?;
    let pg = cluster.create_database();
    let mut options = DatabaseOptions::new(pg.app_url.clone());
    options.migration_url = Some(pg.owner_url.clone());
    Some(TestDb { options, key: MasterKey::generate().to_base64(), pg: Some(pg), sqlite_dir: None })
}

impl TestDb {
    pub fn keyring(&self) -> Keyring {
        Keyring::new(MasterKey::parse(&self.key).unwrap(), vec![])
    }

    pub async fn open(&self) -> Store {
        Store::open(&self.options, self.keyring()).await.expect("open store")
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }
}

/// A syntactically valid token for Telegram bot `id`.
pub fn token(id: i64) -> BotToken {
    BotToken::parse(&format!("{id}:AAE{:0>32}", id)).unwrap()
}

pub fn new_bot(id: i64) -> NewBot {
    NewBot {
        token: token(id),
        name: format!("shop {id}"),
        username: Some(format!("shop{id}_bot")),
        is_master: false,
        admins: vec![TelegramUserId::from_raw(1000 + id)],
        owner: None,
    }
}

/// Adds a bot and returns the operator's scope for it plus its API token text.
pub async fn add_tenant(store: &Store, id: i64) -> (TenantScope, String) {
    let platform = platform();
    let (record, api) = store.platform(&platform).add_bot(new_bot(id)).await.unwrap();
    let scope = store.platform(&platform).tenant(record.id).await.unwrap();
    (scope, api.expose().to_owned())
}

pub fn secret_of(token: &BotToken) -> String {
    let s: secrecy::SecretString = token.expose().to_owned().into();
    s.expose_secret().to_owned()
}

/// Runs an async test body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$name($crate::common::sqlite()).await
                }
                #[tokio::test]
                async fn postgres() {
                    if let Some(db) = $crate::common::postgres() {
                        super::$name(db).await
                    }
                }
            }
        )*
    };
}
