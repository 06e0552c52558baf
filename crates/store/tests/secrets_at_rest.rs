//! Neither the Telegram bot token nor the tenant API token is ever stored in a
//! readable form, and a wrong master key is refused at start.

mod common;

use bazar_secrets::{Keyring, MasterKey};
use bazar_store::{PlatformScope, Store, StoreError};
use common::{TestDb, new_bot};

/// Everything the database holds, as bytes an attacker with the files would see.
async fn raw_database_bytes(db: &TestDb, store: &Store) -> Vec<u8> {
    if let Some(pg) = &db.pg {
        let pool = sqlx::PgPool::connect(&pg.superuser_url).await.unwrap();
        let tables: Vec<String> =
            sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
                .fetch_all(&pool)
                .await
                .unwrap();
        let mut all = Vec::new();
        for table in tables {
            let rows: Vec<String> = sqlx::query_scalar(&format!("SELECT row_to_json(t)::text FROM {table} t"))
                .fetch_all(&pool)
                .await
                .unwrap();
            all.extend(rows.join("\n").into_bytes());
        }
        all
    } else {
        store.database().close().await;
        let dir = db.sqlite_dir.as_ref().unwrap().path();
        let mut all = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            all.extend(std::fs::read(entry.unwrap().path()).unwrap());
        }
        all
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn tokens_never_reach_the_database_in_clear(db: TestDb) {
    let store = db.open().await;
    let platform = PlatformScope::for_operator();
    let bot = new_bot(4242);
    let bot_token = common::secret_of(&bot.token);
    let (record, api) = store.platform(&platform).add_bot(bot).await.unwrap();
    let rotated = store.platform(&platform).rotate_api_token(record.id).await.unwrap();
    let bytes = raw_database_bytes(&db, &store).await;
    assert!(!bytes.is_empty());
    let secret_part = bot_token.split_once(':').unwrap().1;
    for needle in [bot_token.as_str(), secret_part, api.expose(), &api.expose()[4..], rotated.expose()] {
        assert!(!contains(&bytes, needle.as_bytes()), "a secret is stored in clear");
        assert!(!contains(&bytes, hex_of(needle).as_bytes()), "a secret is stored as plain bytes");
    }
    // What *is* stored: the API token's hash and short prefix.
    assert!(contains(&bytes, api.hash().as_bytes()));
}

fn hex_of(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

async fn a_wrong_master_key_is_refused_at_start(db: TestDb) {
    let store = db.open().await;
    let platform = PlatformScope::for_operator();
    store.platform(&platform).add_bot(new_bot(1)).await.unwrap();
    store.database().close().await;

    let wrong = Keyring::new(MasterKey::generate(), vec![]);
    let err = Store::open(&db.options, wrong).await.err().expect("wrong key must be refused");
    assert!(matches!(err, StoreError::Seal(bazar_secrets::SealError::UnknownKey { .. })), "{err}");
    assert!(err.to_string().starts_with("wrong master key"), "{err}");

    // After a rotation the old key, listed as previous, still opens the token.
    let rotated = Keyring::new(MasterKey::generate(), vec![MasterKey::parse(&db.key).unwrap()]);
    let store = Store::open(&db.options, rotated).await.unwrap();
    let id = store.platform(&platform).list_bots().await.unwrap()[0].id;
    assert_eq!(store.platform(&platform).bot_token(id).await.unwrap().telegram_bot_id(), 1);
}

on_both_backends!(tokens_never_reach_the_database_in_clear, a_wrong_master_key_is_refused_at_start);
