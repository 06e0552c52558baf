//! SQLite's single writer connection survives a transaction that SQLite ended
//! on its own. A COMMIT that fails with an automatic rollback (disk full, an
//! I/O error) leaves sqlx counting a transaction that no longer exists, and
//! sqlx then refuses every later BEGIN on that connection — which, for the one
//! writer, would be every later write of the process until a restart.

use crate::common;

use bazar_domain::TelegramUserId;

#[tokio::test]
async fn the_writer_recovers_from_a_transaction_sqlite_ended_itself() {
    let db = common::sqlite();
    let store = db.open().await;
    let (scope, _) = common::add_tenant(&store, 1).await;
    let tenant = store.tenant(&scope);

    let mut tx = tenant.begin().await.unwrap();
    // End the transaction behind sqlx's back, as SQLite's automatic rollback does.
    sqlx::query("ROLLBACK").execute(tx.raw_connection()).await.unwrap();
    assert!(tx.commit().await.is_err(), "there is no transaction left to commit");

    // Writes work again, and they stick.
    for n in 0..3 {
        let mut tx = tenant.begin().await.expect("a write transaction after the lost one");
        tx.add_admin(TelegramUserId::from_raw(500 + n), false).await.unwrap();
        tx.commit().await.unwrap();
    }
    let mut tx = tenant.begin_read().await.unwrap();
    assert_eq!(tx.admins().await.unwrap().len(), 4, "the first admin plus three");
}
