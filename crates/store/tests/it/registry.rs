//! The bot registry: adding, listing, statuses, API tokens, removal.

use crate::common;

use bazar_domain::{BotId, BotStatus, TelegramUserId};
use bazar_secrets::ApiToken;
use bazar_store::{AuthError, ResolveError, StoreError};
use common::{TestDb, add_tenant, new_bot};

async fn add_list_and_duplicates(db: TestDb) {
    let store = db.open().await;
    let platform = common::platform();
    let p = store.platform(&platform);
    let (first, api) = p.add_bot(new_bot(111)).await.unwrap();
    assert_eq!(first.status, BotStatus::Active);
    assert!(api.expose().starts_with("bzr_"));
    let (second, _) = p.add_bot(new_bot(222)).await.unwrap();
    assert_ne!(first.id, second.id);

    // Same bot again (same token), and same Telegram bot with a new token: both refused.
    assert!(matches!(p.add_bot(new_bot(111)).await, Err(StoreError::DuplicateBot(id)) if id == first.id));
    let mut renewed = new_bot(111);
    renewed.token = bazar_domain::BotToken::parse("111:ZZZ000000000000000000000000000000000").unwrap();
    assert!(matches!(p.add_bot(renewed).await, Err(StoreError::DuplicateBot(_))));

    let list = p.list_bots().await.unwrap();
    assert_eq!(list.iter().map(|b| b.id).collect::<Vec<_>>(), vec![first.id, second.id]);
    let admins = store.tenant(&p.tenant(first.id).await.unwrap()).admins().await.unwrap();
    assert_eq!(admins.len(), 1);
    assert_eq!(admins[0].telegram_id, TelegramUserId::from_raw(1111));

    // The token opens again, bound to its bot.
    assert_eq!(p.bot_token(first.id).await.unwrap().telegram_bot_id(), 111);
}

async fn only_one_master(db: TestDb) {
    let store = db.open().await;
    let platform = common::platform();
    let p = store.platform(&platform);
    let mut master = new_bot(1);
    master.is_master = true;
    let (m, _) = p.add_bot(master).await.unwrap();
    assert!(m.is_master);
    let mut another = new_bot(2);
    another.is_master = true;
    assert!(matches!(p.add_bot(another).await, Err(StoreError::MasterExists(id)) if id == m.id));
    assert_eq!(p.list_bots().await.unwrap().len(), 1, "nothing half-written");
}

async fn only_active_bots_resolve(db: TestDb) {
    let store = db.open().await;
    let platform = common::platform();
    let (scope, _) = add_tenant(&store, 5).await;
    let id = scope.bot_id();
    assert_eq!(store.resolve_active_bot(id).await.unwrap().scope, scope);
    store.platform(&platform).set_status(id, BotStatus::Disabled).await.unwrap();
    assert_eq!(store.resolve_active_bot(id).await.unwrap_err(), ResolveError::Inactive(BotStatus::Disabled));
    store.platform(&platform).set_status(id, BotStatus::Suspended).await.unwrap();
    assert_eq!(store.resolve_active_bot(id).await.unwrap_err(), ResolveError::Inactive(BotStatus::Suspended));
    store.platform(&platform).set_status(id, BotStatus::Active).await.unwrap();
    assert!(store.resolve_active_bot(id).await.is_ok());
    assert_eq!(store.resolve_active_bot(BotId::from_raw(999)).await.unwrap_err(), ResolveError::Unknown);
    assert!(matches!(
        store.platform(&platform).set_status(BotId::from_raw(999), BotStatus::Active).await,
        Err(StoreError::UnknownBot(_))
    ));
}

async fn api_tokens_authenticate_rotate_and_respect_status(db: TestDb) {
    let store = db.open().await;
    let platform = common::platform();
    let (scope, api) = add_tenant(&store, 7).await;
    let token = ApiToken::parse(&api).unwrap();
    assert_eq!(store.authenticate_api_token(&token).await.unwrap(), scope);
    assert_eq!(store.authenticate_api_token(&ApiToken::generate()).await.unwrap_err(), AuthError::InvalidToken);

    let rotated = store.platform(&platform).rotate_api_token(scope.bot_id()).await.unwrap();
    assert_eq!(store.authenticate_api_token(&token).await.unwrap_err(), AuthError::InvalidToken);
    assert_eq!(store.authenticate_api_token(&rotated).await.unwrap(), scope);
    let listed = store.platform(&platform).api_tokens(scope.bot_id()).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed[0].revoked_at.is_some() && listed[1].revoked_at.is_none());
    assert!(listed[1].last_used_at.is_some());

    store.platform(&platform).set_status(scope.bot_id(), BotStatus::Disabled).await.unwrap();
    assert_eq!(
        store.authenticate_api_token(&rotated).await.unwrap_err(),
        AuthError::TenantInactive(BotStatus::Disabled)
    );
}

async fn removal_cascades_and_ids_are_not_reused(db: TestDb) {
    let store = db.open().await;
    let platform = common::platform();
    let (a, api) = add_tenant(&store, 10).await;
    let (b, _) = add_tenant(&store, 20).await;
    for tg in 1..=3 {
        store.tenant(&a).record_contact(&common_contact(tg)).await.unwrap();
    }
    store.tenant(&b).record_contact(&common_contact(1)).await.unwrap();
    let impact = store.platform(&platform).removal_impact(a.bot_id()).await.unwrap();
    assert_eq!((impact.customers, impact.admins, impact.api_tokens), (3, 1, 1));

    store.platform(&platform).remove_bot(a.bot_id()).await.unwrap();
    assert!(matches!(store.platform(&platform).bot(a.bot_id()).await, Err(StoreError::UnknownBot(_))));
    assert_eq!(
        store.authenticate_api_token(&ApiToken::parse(&api).unwrap()).await.unwrap_err(),
        AuthError::InvalidToken
    );
    assert_eq!(store.tenant(&b).customer_count().await.unwrap(), 1, "other tenant untouched");

    let (c, _) = add_tenant(&store, 30).await;
    assert!(c.bot_id() > b.bot_id(), "a removed bot's id is never handed out again");
}

fn common_contact(telegram_id: i64) -> bazar_store::CustomerContact {
    bazar_store::CustomerContact {
        telegram_id: TelegramUserId::from_raw(telegram_id),
        username: None,
        first_name: Some("Sara".into()),
        language: None,
    }
}

on_both_backends!(
    add_list_and_duplicates,
    only_one_master,
    only_active_bots_resolve,
    api_tokens_authenticate_rotate_and_respect_status,
    removal_cascades_and_ids_are_not_reused,
);
