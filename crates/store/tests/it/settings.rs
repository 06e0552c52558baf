//! Feature flags and typed configuration per tenant, with a cache that never
//! serves a value older than the last write.

use crate::common;

use bazar_domain::{ConfigError, ConfigKey, ConfigValue, FeatureFlag, Language};
use bazar_store::StoreError;
use common::{TestDb, add_tenant};

async fn flags_default_then_follow_writes_immediately(db: TestDb) {
    let store = db.open().await;
    let (a, _) = add_tenant(&store, 1).await;
    let (b, _) = add_tenant(&store, 2).await;
    let before = store.tenant(&a).settings().await.unwrap();
    for flag in FeatureFlag::ALL {
        assert_eq!(before.flag(flag), flag.default_enabled());
        assert!(!before.flag_is_set(flag));
    }
    // The cache is warm now; a write must be visible on the very next read.
    store.tenant(&a).set_flag(FeatureFlag::Zarinpal, true).await.unwrap();
    store.tenant(&a).set_flag(FeatureFlag::CardToCard, false).await.unwrap();
    let after = store.tenant(&a).settings().await.unwrap();
    assert!(after.flag(FeatureFlag::Zarinpal));
    assert!(!after.flag(FeatureFlag::CardToCard));
    assert!(after.flag_is_set(FeatureFlag::Zarinpal));
    // Tenant B is untouched.
    let other = store.tenant(&b).settings().await.unwrap();
    assert!(!other.flag(FeatureFlag::Zarinpal));
    assert!(other.flag(FeatureFlag::CardToCard));
}

async fn config_is_typed_and_audience_checked(db: TestDb) {
    let store = db.open().await;
    let (a, _) = add_tenant(&store, 1).await;
    let tenant = store.tenant(&a);
    assert_eq!(
        tenant.settings().await.unwrap().config(ConfigKey::DefaultLanguage),
        &ConfigValue::Language(Language::Fa)
    );
    let ru = ConfigKey::DefaultLanguage.parse_value("ru").unwrap();
    tenant.set_config(ConfigKey::DefaultLanguage, &ru).await.unwrap();
    let days = ConfigKey::ReminderDays.parse_value("1,7,3").unwrap();
    tenant.set_config(ConfigKey::ReminderDays, &days).await.unwrap();
    let s = tenant.settings().await.unwrap();
    assert_eq!(s.config(ConfigKey::DefaultLanguage), &ConfigValue::Language(Language::Ru));
    assert_eq!(s.config(ConfigKey::ReminderDays), &ConfigValue::IntList(vec![7, 3, 1]));

    // Platform-only keys: refused on the tenant path, accepted on the platform path.
    let cap = ConfigKey::MaxAdmins.parse_value("3").unwrap();
    assert!(matches!(
        tenant.set_config(ConfigKey::MaxAdmins, &cap).await,
        Err(StoreError::Config(ConfigError::PlatformOnly(ConfigKey::MaxAdmins)))
    ));
    let platform = common::platform();
    store.platform(&platform).set_tenant_config(&a, ConfigKey::MaxAdmins, &cap).await.unwrap();
    assert_eq!(tenant.settings().await.unwrap().config(ConfigKey::MaxAdmins), &ConfigValue::Int(3));

    tenant.unset_config(ConfigKey::DefaultLanguage).await.unwrap();
    let s = tenant.settings().await.unwrap();
    assert_eq!(s.config(ConfigKey::DefaultLanguage), &ConfigValue::Language(Language::Fa));
    assert!(!s.config_is_set(ConfigKey::DefaultLanguage));
    assert!(tenant.bot().await.unwrap().settings_version >= 4);
}

async fn another_process_sees_writes_within_the_ttl(db: TestDb) {
    let server = db.open().await;
    let cli = db.open().await;
    let (a, _) = add_tenant(&server, 1).await;
    assert!(!server.tenant(&a).settings().await.unwrap().flag(FeatureFlag::Trial));
    cli.tenant(&a).set_flag(FeatureFlag::Trial, true).await.unwrap();
    let deadline = std::time::Instant::now() + bazar_store::settings_ttl() + std::time::Duration::from_secs(2);
    loop {
        if server.tenant(&a).settings().await.unwrap().flag(FeatureFlag::Trial) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the server never saw the CLI's write");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn a_reload_sees_another_process_at_once(db: TestDb) {
    let server = db.open().await;
    let cli = db.open().await;
    let (a, _) = add_tenant(&server, 1).await;
    assert!(!server.tenant(&a).settings().await.unwrap().flag(FeatureFlag::Trial));
    cli.tenant(&a).set_flag(FeatureFlag::Trial, true).await.unwrap();
    assert!(!server.tenant(&a).settings().await.unwrap().flag(FeatureFlag::Trial), "cached until reloaded");
    server.reload_settings();
    assert!(server.tenant(&a).settings().await.unwrap().flag(FeatureFlag::Trial));
}

on_both_backends!(
    flags_default_then_follow_writes_immediately,
    a_reload_sees_another_process_at_once,
    config_is_typed_and_audience_checked,
    another_process_sees_writes_within_the_ttl,
);
