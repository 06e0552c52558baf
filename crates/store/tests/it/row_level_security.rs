//! PostgreSQL's second wall: row-level security holds even for hand-written SQL
//! that forgets the tenant, and the tenant setting never outlives its transaction.

use crate::common;

use bazar_domain::TelegramUserId;
use bazar_store::{CustomerContact, DatabaseOptions, Store, StoreError};
use common::add_tenant;
use sqlx::{Connection as _, Row};

fn contact(telegram_id: i64) -> CustomerContact {
    CustomerContact {
        telegram_id: TelegramUserId::from_raw(telegram_id),
        username: None,
        first_name: None,
        language: None,
    }
}

/// A store whose pool has exactly one connection, so consecutive transactions
/// are guaranteed to reuse the same server session.
async fn single_connection_store() -> Option<(Store, common::TestDb)> {
    let mut db = common::postgres()?;
    db.options.max_connections = 1;
    let store = db.open().await;
    Some((store, db))
}

#[tokio::test]
async fn raw_reads_in_a_tenant_transaction_see_only_that_tenant() {
    let Some((store, _db)) = single_connection_store().await else { return };
    let (a, _) = add_tenant(&store, 1).await;
    let (b, _) = add_tenant(&store, 2).await;
    for tg in [10, 11] {
        store.tenant(&a).record_contact(&contact(tg)).await.unwrap();
    }
    for tg in [10, 20, 21] {
        store.tenant(&b).record_contact(&contact(tg)).await.unwrap();
    }

    let mut tx = store.tenant(&a).begin().await.unwrap();
    // No WHERE bot_id: exactly the bug the seed had.
    let rows = sqlx::query("SELECT bot_id, telegram_id FROM customers").fetch_all(tx.raw_connection()).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.get::<i64, _>("bot_id") == a.bot_id().get()));
    for table in ["bots", "bot_admins", "bot_api_tokens"] {
        let others: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM {table} WHERE {} <> $1",
            if table == "bots" { "id" } else { "bot_id" }
        ))
        .bind(a.bot_id().get())
        .fetch_one(tx.raw_connection())
        .await
        .unwrap();
        assert_eq!(others, 0, "{table} leaks other tenants' rows");
    }
    // Even an explicit request for B's rows returns nothing.
    let explicit: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers WHERE bot_id = $1")
        .bind(b.bot_id().get())
        .fetch_one(tx.raw_connection())
        .await
        .unwrap();
    assert_eq!(explicit, 0);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn writes_for_another_tenant_are_refused() {
    let Some((store, _db)) = single_connection_store().await else { return };
    let (a, _) = add_tenant(&store, 1).await;
    let (b, _) = add_tenant(&store, 2).await;
    store.tenant(&b).record_contact(&contact(20)).await.unwrap();

    let mut tx = store.tenant(&a).begin().await.unwrap();
    let insert =
        sqlx::query("INSERT INTO customers (bot_id, telegram_id, created_at, last_seen_at) VALUES ($1, 99, 0, 0)")
            .bind(b.bot_id().get())
            .execute(tx.raw_connection())
            .await;
    let err = insert.expect_err("insert for bot B inside bot A's transaction must fail");
    assert!(err.to_string().contains("row-level security"), "{err}");
    drop(tx);

    let mut tx = store.tenant(&a).begin().await.unwrap();
    let updated = sqlx::query("UPDATE customers SET banned = TRUE").execute(tx.raw_connection()).await.unwrap();
    assert_eq!(updated.rows_affected(), 0, "B's customer is invisible to A's UPDATE");
    let deleted = sqlx::query("DELETE FROM bot_admins").execute(tx.raw_connection()).await.unwrap();
    assert_eq!(deleted.rows_affected(), 1, "only A's own admin");
    tx.commit().await.unwrap();
    assert_eq!(store.tenant(&b).admins().await.unwrap().len(), 1);
    assert!(!store.tenant(&b).customer_by_telegram_id(TelegramUserId::from_raw(20)).await.unwrap().unwrap().banned);
}

#[tokio::test]
async fn the_tenant_setting_ends_with_the_transaction() {
    let Some((store, db)) = single_connection_store().await else { return };
    let (a, _) = add_tenant(&store, 1).await;
    store.tenant(&a).record_contact(&contact(10)).await.unwrap();

    let mut tx = store.tenant(&a).begin().await.unwrap();
    let seen: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers").fetch_one(tx.raw_connection()).await.unwrap();
    assert_eq!(seen, 1);
    tx.commit().await.unwrap();

    // The pool has one connection, so this next transaction runs on the very
    // same server session, opened without any scope.
    let mut next = store_pool(&store).begin().await.unwrap();
    let (setting, visible): (Option<String>, i64) =
        sqlx::query_as("SELECT current_setting('app.bot_id', true), (SELECT COUNT(*) FROM customers)")
            .fetch_one(&mut *next)
            .await
            .unwrap();
    next.commit().await.unwrap();
    assert!(setting.unwrap_or_default().is_empty(), "app.bot_id leaked past COMMIT");
    assert_eq!(visible, 0, "an unscoped transaction sees no tenant rows");
    let _ = db;
}

fn store_pool(store: &Store) -> &sqlx::AnyPool {
    store.database().raw_pool()
}

#[tokio::test]
async fn every_table_with_a_bot_id_has_forced_row_level_security() {
    let Some(db) = common::postgres() else { return };
    let _store = db.open().await;
    let pool = sqlx::PgPool::connect(&db.pg.as_ref().unwrap().superuser_url).await.unwrap();
    let unprotected: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public' AND c.relkind = 'r' \
           AND (EXISTS (SELECT 1 FROM information_schema.columns col WHERE col.table_name = c.relname AND col.column_name = 'bot_id') OR c.relname = 'bots') \
           AND NOT (c.relrowsecurity AND c.relforcerowsecurity)",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(unprotected.is_empty(), "tables without forced RLS: {unprotected:?}");
    let tables: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_class WHERE relrowsecurity AND relforcerowsecurity")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(tables >= 6);
}

#[tokio::test]
async fn a_superuser_connection_is_refused() {
    let Some(db) = common::postgres() else { return };
    let options = DatabaseOptions::new(db.pg.as_ref().unwrap().superuser_url.clone());
    let err = Store::open(&options, db.keyring()).await.err().expect("superuser must be refused");
    assert!(matches!(err, StoreError::UnsafeRole(ref role) if role == "postgres"), "{err}");
}

#[tokio::test]
async fn the_app_role_cannot_switch_security_off() {
    let Some(db) = common::postgres() else { return };
    let _store = db.open().await;
    let mut conn = sqlx::PgConnection::connect(&db.options.url).await.unwrap();
    let err = sqlx::query("ALTER TABLE customers NO FORCE ROW LEVEL SECURITY")
        .execute(&mut conn)
        .await
        .expect_err("the application role does not own the tables");
    assert!(err.to_string().contains("must be owner"), "{err}");
}
