//! The master bot's platform path (`Platform::*_in`, inside the master's own
//! update transaction) and its onboarding requests, on both databases.

use crate::common;

use bazar_domain::{BotStatus, FeatureFlag, TelegramUserId};
use bazar_store::{NewOnboarding, OnboardingStatus, StoreError};
use common::{TestDb, add_tenant, new_bot, token};

async fn master_changes_tenants_inside_its_own_transaction(db: TestDb) {
    let store = db.open().await;
    let platform = common::platform();
    let mut master_bot = new_bot(1);
    master_bot.is_master = true;
    let (master, _) = store.platform(&platform).add_bot(master_bot).await.unwrap();
    let master = store.platform(&platform).tenant(master.id).await.unwrap();
    let (shop, _) = add_tenant(&store, 2).await;

    // Suspend, a flag and a new tenant, all in one master transaction: nothing shows before the commit.
    let mut tx = store.tenant(&master).begin().await.unwrap();
    let suspended = store.platform(&platform).set_status_in(&mut tx, shop.bot_id(), BotStatus::Suspended).await;
    assert_eq!(suspended.unwrap().status, BotStatus::Suspended);
    store.platform(&platform).set_flag_in(&mut tx, shop.bot_id(), FeatureFlag::Trial, true).await.unwrap();
    let flags = store.platform(&platform).flags_in(&mut tx, shop.bot_id()).await.unwrap();
    assert!(flags.contains(&(FeatureFlag::Trial, true)), "{flags:?}");
    let (added, api) = store.platform(&platform).add_bot_in(&mut tx, new_bot(3)).await.unwrap();
    assert!(api.expose().starts_with("bzr_"));
    // The master itself cannot be suspended this way.
    let own = store.platform(&platform).set_status_in(&mut tx, master.bot_id(), BotStatus::Suspended).await;
    assert!(matches!(own, Err(StoreError::UnknownBot(_))), "{own:?}");
    // The transaction is back to the master's own rows after each call (PostgreSQL's wall).
    let visible: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bots").fetch_one(tx.raw_connection()).await.unwrap();
    assert_eq!(visible, if db.is_postgres() { 1 } else { 3 });
    tx.commit().await.unwrap();

    assert_eq!(store.platform(&platform).bot(shop.bot_id()).await.unwrap().status, BotStatus::Suspended);
    assert_eq!(store.platform(&platform).bot(added.id).await.unwrap().name, "shop 3");
    assert!(store.tenant(&shop).settings().await.unwrap().flag(FeatureFlag::Trial));
    assert_eq!(store.platform(&platform).suspended_bots().await.unwrap().len(), 1);
    assert_eq!(store.platform(&platform).bot_with_token(&token(3)).await.unwrap(), Some(added.id));

    // A disabled bot is not resumed by the master path.
    store.platform(&platform).set_status(shop.bot_id(), BotStatus::Disabled).await.unwrap();
    let mut tx = store.tenant(&master).begin().await.unwrap();
    let resumed = store.platform(&platform).set_status_in(&mut tx, shop.bot_id(), BotStatus::Active).await;
    assert!(matches!(resumed, Err(StoreError::UnknownBot(_))), "{resumed:?}");
    drop(tx);
}

async fn only_the_master_bot_may_use_the_platform_path(db: TestDb) {
    let store = db.open().await;
    let platform = common::platform();
    let (shop, _) = add_tenant(&store, 1).await;
    let (other, _) = add_tenant(&store, 2).await;
    let mut tx = store.tenant(&shop).begin().await.unwrap();
    let refused = store.platform(&platform).set_status_in(&mut tx, other.bot_id(), BotStatus::Suspended).await;
    assert!(matches!(refused, Err(StoreError::Conflict(_))), "{refused:?}");
    drop(tx);
    assert_eq!(store.platform(&platform).bot(other.bot_id()).await.unwrap().status, BotStatus::Active);
}

async fn an_onboarding_request_is_decided_once(db: TestDb) {
    let store = db.open().await;
    let (master, _) = add_tenant(&store, 1).await;
    let applicant = TelegramUserId::from_raw(55);
    let contact =
        bazar_store::CustomerContact { telegram_id: applicant, username: None, first_name: None, language: None };
    let (customer, _) = store.tenant(&master).record_contact(&contact).await.unwrap();
    let mut tx = store.tenant(&master).begin().await.unwrap();
    let new = NewOnboarding {
        customer_id: customer.id,
        telegram_id: applicant,
        plan: "basic".into(),
        fee: bazar_domain::Money::irt(50_000),
        token: token(9),
        bot_username: Some("nine_bot".into()),
    };
    let id = store.onboarding().create(&mut tx, &new).await.unwrap();
    assert_eq!(store.onboarding().token(&mut tx, id).await.unwrap(), token(9));
    let (draft, waiting, rejected) = (OnboardingStatus::Draft, OnboardingStatus::Waiting, OnboardingStatus::Rejected);
    assert!(store.onboarding().advance(&mut tx, id, draft, waiting, None).await.unwrap());
    assert!(
        !store.onboarding().advance(&mut tx, id, draft, waiting, None).await.unwrap(),
        "a double tap moves nothing"
    );
    assert!(store.onboarding().advance(&mut tx, id, waiting, rejected, Some(applicant)).await.unwrap());
    assert!(!store.onboarding().advance(&mut tx, id, waiting, OnboardingStatus::Created, None).await.unwrap());
    // A decided request no longer holds the token.
    assert!(store.onboarding().token(&mut tx, id).await.is_err());
    tx.commit().await.unwrap();

    // Another tenant sees nothing of the master's requests.
    let (other, _) = add_tenant(&store, 2).await;
    let mut tx = store.tenant(&other).begin().await.unwrap();
    assert!(store.onboarding().get(&mut tx, id).await.unwrap().is_none());
}

on_both_backends!(
    master_changes_tenants_inside_its_own_transaction,
    only_the_master_bot_may_use_the_platform_path,
    an_onboarding_request_is_decided_once,
);
