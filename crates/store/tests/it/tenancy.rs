//! Tenancy through the store's own API: a Telegram user is a different customer
//! in every bot, and nothing of one tenant is reachable with another's scope.

use crate::common;

use bazar_domain::{Language, TelegramUserId};
use bazar_store::CustomerContact;
use common::{TestDb, add_tenant};

fn contact(telegram_id: i64, username: &str) -> CustomerContact {
    CustomerContact {
        telegram_id: TelegramUserId::from_raw(telegram_id),
        username: Some(username.to_owned()),
        first_name: Some("Ali".into()),
        language: Some(Language::Ru),
    }
}

async fn same_telegram_user_is_two_customers(db: TestDb) {
    let store = db.open().await;
    let (a, _) = add_tenant(&store, 1).await;
    let (b, _) = add_tenant(&store, 2).await;
    let (in_a, created_a) = store.tenant(&a).record_contact(&contact(42, "ali")).await.unwrap();
    let (in_b, created_b) = store.tenant(&b).record_contact(&contact(42, "ali")).await.unwrap();
    assert!(created_a && created_b);
    assert_ne!(in_a.id, in_b.id);

    // Second contact: not created again; username refreshed, language kept.
    let mut renamed = contact(42, "ali_new");
    renamed.language = Some(Language::En);
    let (again, created) = store.tenant(&a).record_contact(&renamed).await.unwrap();
    assert!(!created);
    assert_eq!(again.id, in_a.id);
    assert_eq!(again.username.as_deref(), Some("ali_new"));
    assert_eq!(again.language, Some(Language::Ru));
    assert_eq!(
        store
            .tenant(&b)
            .customer_by_telegram_id(TelegramUserId::from_raw(42))
            .await
            .unwrap()
            .unwrap()
            .username
            .as_deref(),
        Some("ali")
    );
}

async fn one_tenants_data_is_invisible_to_another(db: TestDb) {
    let store = db.open().await;
    let (a, _) = add_tenant(&store, 1).await;
    let (b, _) = add_tenant(&store, 2).await;
    store.tenant(&a).record_contact(&contact(7, "only_in_a")).await.unwrap();
    assert!(store.tenant(&b).customer_by_telegram_id(TelegramUserId::from_raw(7)).await.unwrap().is_none());
    assert_eq!(store.tenant(&b).customer_count().await.unwrap(), 0);

    // Admins are per tenant: A's admin (1001) is nobody in B.
    assert!(store.tenant(&a).is_admin(TelegramUserId::from_raw(1001)).await.unwrap());
    assert!(!store.tenant(&b).is_admin(TelegramUserId::from_raw(1001)).await.unwrap());
    assert!(!store.tenant(&b).remove_admin(TelegramUserId::from_raw(1001)).await.unwrap());
    assert!(store.tenant(&a).is_admin(TelegramUserId::from_raw(1001)).await.unwrap());
    assert_eq!(store.tenant(&b).bot().await.unwrap().id, b.bot_id());
}

async fn concurrent_first_contacts_create_one_customer(db: TestDb) {
    let store = db.open().await;
    let (a, _) = add_tenant(&store, 1).await;
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let store = store.clone();
            let a = a.clone();
            tokio::spawn(async move { store.tenant(&a).record_contact(&contact(99, "racer")).await.unwrap() })
        })
        .collect();
    let mut created = 0;
    let mut ids = std::collections::HashSet::new();
    for t in tasks {
        let (customer, new) = t.await.unwrap();
        created += usize::from(new);
        ids.insert(customer.id);
    }
    assert_eq!(created, 1);
    assert_eq!(ids.len(), 1);
    assert_eq!(store.tenant(&a).customer_count().await.unwrap(), 1);
}

on_both_backends!(
    same_telegram_user_is_two_customers,
    one_tenants_data_is_invisible_to_another,
    concurrent_first_contacts_create_one_customer,
);
