//! Neither the Telegram bot token, the tenant API token nor a payment card's
//! number is ever stored in a readable form, and a wrong master key is
//! refused at start. Card numbers of a database from before they were sealed
//! are sealed when it is opened (the payments keep their cards), and
//! re-sealed after a master-key rotation.

use crate::common;

use bazar_domain::{Bank, CardNumber};
use bazar_secrets::{Keyring, MasterKey};
use bazar_store::{NewCard, Store, StoreError, TenantScope};
use common::{TestDb, add_tenant, new_bot};
use sqlx::{AnyConnection, Connection, Row};

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

/// The SQLite files as they are on disk right now, the store still open: the
/// `-wal` file holds every page written since the last checkpoint.
fn sqlite_files_now(db: &TestDb) -> Vec<u8> {
    let dir = db.sqlite_dir.as_ref().unwrap().path();
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        all.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    all
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn tokens_never_reach_the_database_in_clear(db: TestDb) {
    let store = db.open().await;
    let platform = common::platform();
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
    let platform = common::platform();
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

/// A Mellat card (Luhn-valid) and the forms a scan looks for.
fn card() -> (CardNumber, Vec<String>) {
    let card = CardNumber::parse(&bazar_testkit::card_number("610433123456789")).unwrap();
    let digits = card.digits().to_owned();
    let needles = vec![
        digits.clone(),
        card.grouped(),
        // The six digits the masked form hides, and a plain hash anyone could brute-force.
        digits[6..12].to_owned(),
        bazar_secrets::sha256_hex(digits.as_bytes()),
        hex_of(&digits),
    ];
    (card, needles)
}

fn new_card(number: &CardNumber) -> NewCard {
    NewCard { number: number.clone(), holder: "Reza Karimi".into(), iban: None, weight: 1, daily_cap: None }
}

async fn add_card(
    store: &Store,
    scope: &TenantScope,
    number: &CardNumber,
) -> Result<bazar_store::PaymentCard, StoreError> {
    let mut tx = store.tenant(scope).begin().await?;
    let card = tx.add_card(&new_card(number)).await?;
    tx.commit().await?;
    Ok(card)
}

fn assert_absent(bytes: &[u8], needles: &[String], what: &str) {
    assert!(!bytes.is_empty());
    for needle in needles {
        assert!(!contains(bytes, needle.as_bytes()), "{what}: the card number is stored readably ({needle})");
    }
}

/// What listings, the API and the payer see of the tenant's only card.
async fn assert_card_reads_back(store: &Store, scope: &TenantScope, number: &CardNumber) {
    let mut tx = store.tenant(scope).begin_read().await.unwrap();
    let cards = tx.cards().await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0].masked(), number.masked());
    assert_eq!(cards[0].bank.as_deref(), Some(Bank::Mellat.code()));
    assert!(!format!("{:?}", cards[0]).contains(number.digits()));
    assert_eq!(cards[0].number_for_payer().unwrap().digits(), number.digits(), "the payer still gets it whole");
}

async fn card_numbers_never_reach_the_database_in_clear(db: TestDb) {
    let store = db.open().await;
    let (a, _) = add_tenant(&store, 61).await;
    let (b, _) = add_tenant(&store, 62).await;
    let (number, needles) = card();
    add_card(&store, &a, &number).await.unwrap();
    // Unique per tenant, though nothing stored shows the number.
    let again = add_card(&store, &a, &number).await.err();
    assert!(matches!(again, Some(StoreError::Conflict(_))), "{again:?}");
    add_card(&store, &b, &number).await.expect("another tenant may have the same card");
    assert_card_reads_back(&store, &a, &number).await;
    if db.is_postgres() {
        assert_absent(&raw_database_bytes(&db, &store).await, &needles, "PostgreSQL tables");
    } else {
        assert_absent(&sqlite_files_now(&db), &needles, "SQLite file and WAL, open");
        assert_absent(&raw_database_bytes(&db, &store).await, &needles, "SQLite file, closed");
    }
}

/// A raw connection that sees every row: the SQLite file, or PostgreSQL's superuser.
async fn raw(db: &TestDb) -> AnyConnection {
    sqlx::any::install_default_drivers();
    let url = match &db.pg {
        Some(pg) => pg.superuser_url.clone(),
        None => format!("{}?mode=rwc", db.options.url),
    };
    AnyConnection::connect(&url).await.unwrap()
}

/// A database as it was before card numbers were sealed: migrations up to
/// 0013 (as the tables' owner), one bot, customer, card in clear and a payment
/// to that card. Returns the card's and the payment's ids.
async fn legacy_database(db: &TestDb, number: &str) -> (i64, i64, i64) {
    let backend = if db.is_postgres() { "postgres" } else { "sqlite" };
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(backend);
    let old = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        let version: u32 = path.file_name().unwrap().to_str().unwrap()[..4].parse().unwrap();
        if version <= 13 {
            std::fs::copy(&path, old.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let migrator = sqlx::migrate::Migrator::new(old.path()).await.unwrap();
    sqlx::any::install_default_drivers();
    let owner = match &db.pg {
        Some(pg) => pg.owner_url.clone(),
        None => format!("{}?mode=rwc", db.options.url),
    };
    let mut conn = AnyConnection::connect(&owner).await.unwrap();
    migrator.run(&mut conn).await.unwrap();
    conn.close().await.unwrap();

    let mut conn = raw(db).await;
    let key_id = db.keyring().current_key_id().to_owned();
    let bot: i64 = sqlx::query_scalar(
        "INSERT INTO bots (name, telegram_bot_id, token_hash, token_key_id, token_sealed, created_at, updated_at) \
         VALUES ('legacy shop', 4343, 'legacy-hash', $1, $2, 0, 0) RETURNING id",
    )
    .bind(key_id)
    .bind(vec![0u8; 40])
    .fetch_one(&mut conn)
    .await
    .unwrap();
    let customer: i64 = sqlx::query_scalar(
        "INSERT INTO customers (bot_id, telegram_id, created_at, last_seen_at) VALUES ($1, 5151, 0, 0) RETURNING id",
    )
    .bind(bot)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    let card: i64 = sqlx::query_scalar(
        "INSERT INTO payment_cards (bot_id, number, holder, bank, created_at, updated_at) \
         VALUES ($1, $2, 'Reza Karimi', 'mellat', 0, 0) RETURNING id",
    )
    .bind(bot)
    .bind(number)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    let payment: i64 = sqlx::query_scalar(
        "INSERT INTO payments (bot_id, customer_id, method, status, amount, pay_currency, credit, currency, card_id, \
         tracking_code, expires_at, created_at, updated_at) \
         VALUES ($1, $2, 'card', 'paid', 50000, 'IRT', 50000, 'IRT', $3, 'LEGACY01', 0, 0, 0) RETURNING id",
    )
    .bind(bot)
    .bind(customer)
    .bind(card)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    (bot, card, payment)
}

async fn legacy_card_numbers_are_sealed_when_the_store_opens(db: TestDb) {
    let (number, needles) = card();
    let (bot, card_id, payment) = legacy_database(&db, number.digits()).await;
    if !db.is_postgres() {
        assert!(contains(&sqlite_files_now(&db), number.digits().as_bytes()), "the legacy file holds it in clear");
    }

    let store = db.open().await;
    let mut conn = raw(&db).await;
    let kept: Option<i64> = sqlx::query_scalar("SELECT card_id FROM payments WHERE id = $1")
        .bind(payment)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(kept, Some(card_id), "the payment keeps its card through the table's rebuild");
    let row =
        sqlx::query("SELECT number, number_key_id, fingerprint_key_id, number_masked FROM payment_cards WHERE id = $1")
            .bind(card_id)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    conn.close().await.unwrap();
    assert_eq!(row.try_get::<Option<String>, _>("number").unwrap(), None, "the plaintext is gone");
    let current = db.keyring().current_key_id().to_owned();
    assert_eq!(row.try_get::<Option<String>, _>("number_key_id").unwrap().as_deref(), Some(current.as_str()));
    assert_eq!(row.try_get::<Option<String>, _>("fingerprint_key_id").unwrap().as_deref(), Some(current.as_str()));
    assert_eq!(row.try_get::<String, _>("number_masked").unwrap(), number.masked());

    let scope = store.platform(&common::platform()).tenant(bazar_domain::BotId::from_raw(bot)).await.unwrap();
    assert_card_reads_back(&store, &scope, &number).await;
    let again = add_card(&store, &scope, &number).await.err();
    assert!(matches!(again, Some(StoreError::Conflict(_))), "still unique after sealing: {again:?}");
    // A new card gets the next id, never a recycled one.
    let other = CardNumber::parse(&bazar_testkit::card_number("603799123456789")).unwrap();
    assert!(add_card(&store, &scope, &other).await.unwrap().id.get() > card_id);

    if db.is_postgres() {
        assert_absent(&raw_database_bytes(&db, &store).await, &needles, "PostgreSQL tables");
    } else {
        assert_absent(&sqlite_files_now(&db), &needles, "SQLite file and WAL after the conversion");
        assert_absent(&raw_database_bytes(&db, &store).await, &needles, "SQLite file, closed");
    }
}

/// A card's seal key id, fingerprint and fingerprint key id, as stored.
async fn stored_card(conn: &mut AnyConnection, id: i64) -> (String, String, String) {
    let row =
        sqlx::query("SELECT number_key_id, number_fingerprint, fingerprint_key_id FROM payment_cards WHERE id = $1")
            .bind(id)
            .fetch_one(conn)
            .await
            .unwrap();
    let get = |c: &str| row.try_get::<Option<String>, _>(c).unwrap().unwrap();
    (get("number_key_id"), get("number_fingerprint"), get("fingerprint_key_id"))
}

async fn card_numbers_are_resealed_after_a_key_rotation(db: TestDb) {
    let store = db.open().await;
    let (scope, _) = add_tenant(&store, 63).await;
    let (number, _) = card();
    let card = add_card(&store, &scope, &number).await.unwrap();
    let mut conn = raw(&db).await;
    let before = stored_card(&mut conn, card.id.get()).await;
    conn.close().await.unwrap();
    store.database().close().await;

    let new_key = MasterKey::generate();
    let new_id = Keyring::new(MasterKey::parse(&new_key.to_base64()).unwrap(), vec![]).current_key_id().to_owned();
    let rotated = Keyring::new(new_key, vec![MasterKey::parse(&db.key).unwrap()]);
    let store = Store::open(&db.options, rotated).await.unwrap();
    let mut conn = raw(&db).await;
    let after = stored_card(&mut conn, card.id.get()).await;
    conn.close().await.unwrap();
    assert_eq!((after.0.as_str(), after.2.as_str()), (new_id.as_str(), new_id.as_str()), "re-sealed under the new key");
    assert_ne!(after.1, before.1, "and re-fingerprinted");
    assert_ne!(before.0, new_id);
    assert_card_reads_back(&store, &scope, &number).await;
    let again = add_card(&store, &scope, &number).await.err();
    assert!(matches!(again, Some(StoreError::Conflict(_))), "the new fingerprint still finds the card: {again:?}");
}

on_both_backends!(
    tokens_never_reach_the_database_in_clear,
    a_wrong_master_key_is_refused_at_start,
    card_numbers_never_reach_the_database_in_clear,
    legacy_card_numbers_are_sealed_when_the_store_opens,
    card_numbers_are_resealed_after_a_key_rotation
);
