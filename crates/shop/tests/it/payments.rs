//! Payments credit exactly once, on SQLite and on PostgreSQL: card-to-card
//! approvals under a storm of concurrent clicks, rejections and expiry that
//! stay final, tenants that cannot touch each other's payments, card rotation
//! and daily caps, unique amounts, Telegram Stars (pre-checkout, charge,
//! refund) and the plan bought with the credit.

use bazar_domain::{
    BotToken, CardId, CardNumber, CardRotation, Charge, ConfigKey, ConfigValue, Currency, CustomerId, Money, PaymentId,
    PlanId, PlanNames, Stars, TelegramUserId,
};
use bazar_secrets::{Keyring, MasterKey};
use bazar_shop::payments::card::{self, CardStart, Decision};
use bazar_shop::payments::stars::{self, PreCheckoutRefusal, RefundCheck, StarsPaid, StarsStart};
use bazar_shop::payments::{self, AutoPurchase, Settlement};
use bazar_store::{
    CustomerContact, DatabaseOptions, EntryKind, NewBot, NewCard, NewPanel, NewPayment, NewPlan, Payment, PaymentCard,
    PaymentMethod, PaymentStatus, Store, StoreError, TenantScope, TenantSettings,
};
use bazar_testkit::postgres::{PgCluster, PgDatabase};
use std::sync::Arc;
use std::time::Duration;

/// The admin who decides card payments.
const ADMIN: i64 = 500;
/// A card payment's base amount (IRT), inside the default limits.
const BASE: i64 = 50_000;

// ---------------------------------------------------------------------------
// Databases: the same body on SQLite and on PostgreSQL.
// ---------------------------------------------------------------------------

/// One test's database, kept alive (temporary directory, PostgreSQL database) by this value.
struct Db {
    options: DatabaseOptions,
    _sqlite: Option<tempfile::TempDir>,
    _pg: Option<PgDatabase>,
}

fn options(url: String) -> DatabaseOptions {
    let mut options = DatabaseOptions::new(url);
    // A hundred tasks queue for connections: let them wait rather than time out.
    options.max_connections = 16;
    options.acquire_timeout = Duration::from_secs(30);
    options
}

fn sqlite() -> Db {
    let (url, dir) = bazar_testkit::sqlite_url();
    Db { options: options(url), _sqlite: Some(dir), _pg: None }
}

/// A fresh PostgreSQL database on the process's cluster (the app connects as
/// `bazar_app`, migrations run as `bazar_owner`); `None`, skipped loudly by the
/// testkit, when PostgreSQL is not installed and neither CI nor
/// `BAZAR_REQUIRE_POSTGRES` is set.
fn postgres() -> Option<Db> {
    let pg = PgCluster::shared()?.create_database();
    let mut options = options(pg.app_url.clone());
    options.migration_url = Some(pg.owner_url.clone());
    Some(Db { options, _sqlite: None, _pg: Some(pg) })
}

/// Runs an async test body on SQLite and on PostgreSQL. A leading `#[…]`
/// (an `#[ignore = "bug: …"]`) applies to the PostgreSQL run only.
macro_rules! on_both_backends {
    ($(#[$postgres:meta])* $name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name(super::sqlite()).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            $(#[$postgres])*
            async fn postgres() {
                if let Some(db) = super::postgres() {
                    super::$name(db).await
                }
            }
        }
    };
}

/// Errors after which a transaction is simply run again: PostgreSQL's
/// serialization failure, deadlock or lock timeout, SQLite's busy database, a
/// pool that had no connection free in time.
fn retryable(e: &StoreError) -> bool {
    match e {
        StoreError::Database(sqlx::Error::Database(db)) => {
            matches!(db.code().as_deref(), Some("40001" | "40P01" | "55P03" | "5" | "517" | "261"))
        }
        StoreError::Database(sqlx::Error::PoolTimedOut) => true,
        _ => false,
    }
}

/// Runs `$body` (which may use `?` and `&mut $tx`) in a tenant transaction and
/// commits it, running the whole transaction again after a retryable error.
macro_rules! try_in_tx {
    ($store:expr, $scope:expr, |$tx:ident| $body:expr) => {{
        let mut attempt = 0u64;
        loop {
            let outcome: Result<_, StoreError> = async {
                let mut $tx = $store.tenant($scope).begin().await?;
                let value = $body;
                $tx.commit().await?;
                Ok(value)
            }
            .await;
            match outcome {
                Err(e) if attempt < 20 && retryable(&e) => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(5 * attempt)).await;
                }
                other => break other,
            }
        }
    }};
}

/// [`try_in_tx!`] that must succeed.
macro_rules! in_tx {
    ($store:expr, $scope:expr, |$tx:ident| $body:expr) => {
        try_in_tx!($store, $scope, |$tx| $body).unwrap_or_else(|e| panic!("transaction failed: {e}"))
    };
}

// ---------------------------------------------------------------------------
// A shop: tenants, customers, cards, plans.
// ---------------------------------------------------------------------------

struct Shop {
    _db: Db,
    store: Store,
    scope: TenantScope,
}

async fn shop(db: Db) -> Shop {
    let store = Store::open(&db.options, Keyring::new(MasterKey::generate(), vec![])).await.expect("open store");
    let scope = add_tenant(&store, 1).await;
    Shop { _db: db, store, scope }
}

async fn add_tenant(store: &Store, id: i64) -> TenantScope {
    let platform = platform();
    let bot = NewBot {
        token: BotToken::parse(&format!("{id}:AAE{id:0>32}")).unwrap(),
        name: format!("shop {id}"),
        username: Some(format!("shop{id}_bot")),
        is_master: false,
        admins: vec![TelegramUserId::from_raw(ADMIN)],
        owner: None,
    };
    let (record, _) = store.platform(&platform).add_bot(bot).await.unwrap();
    store.platform(&platform).tenant(record.id).await.unwrap()
}

async fn customer(store: &Store, scope: &TenantScope, telegram_id: i64) -> CustomerId {
    let contact = CustomerContact {
        telegram_id: TelegramUserId::from_raw(telegram_id),
        username: None,
        first_name: None,
        language: None,
    };
    store.tenant(scope).record_contact(&contact).await.unwrap().0.id
}

/// `n` customers with Telegram ids 100, 101, …
async fn customers(store: &Store, scope: &TenantScope, n: i64) -> Vec<CustomerId> {
    customers_from(store, scope, 100, n).await
}

/// A Luhn-valid 16-digit card number, distinct for each `n`.
fn card_number(n: u64) -> CardNumber {
    let payload = format!("603799{n:09}");
    let sum: u32 = payload
        .chars()
        .rev()
        .map(|c| c.to_digit(10).unwrap())
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { (d * 2) - if d * 2 > 9 { 9 } else { 0 } } else { d })
        .sum();
    let check = (10 - sum % 10) % 10;
    CardNumber::parse(&format!("{payload}{check}")).expect("a Luhn-valid card number")
}

async fn add_card(store: &Store, scope: &TenantScope, n: u64, weight: u32, daily_cap: Option<i64>) -> PaymentCard {
    let card = NewCard { number: card_number(n), holder: format!("Holder {n}"), iban: None, weight, daily_cap };
    in_tx!(store, scope, |tx| tx.add_card(&card).await?)
}

async fn set_config(store: &Store, scope: &TenantScope, key: ConfigKey, value: ConfigValue) {
    store.tenant(scope).set_config(key, &value).await.unwrap();
}

async fn settings(store: &Store, scope: &TenantScope) -> Arc<TenantSettings> {
    store.tenant(scope).settings().await.unwrap()
}

async fn start_card(store: &Store, scope: &TenantScope, customer: CustomerId, amount: i64) -> CardStart {
    start_card_for_plan(store, scope, customer, amount, None).await
}

async fn start_card_for_plan(
    store: &Store,
    scope: &TenantScope,
    customer: CustomerId,
    amount: i64,
    plan: Option<PlanId>,
) -> CardStart {
    let settings = settings(store, scope).await;
    let amount = Money::irt(amount);
    in_tx!(store, scope, |tx| card::start(&mut tx, &settings, customer, amount, plan.map(|p| (p, None))).await?)
}

/// Starts a card payment that must start; returns it and its card.
async fn start_ok(store: &Store, scope: &TenantScope, customer: CustomerId, amount: i64) -> (Payment, PaymentCard) {
    match start_card(store, scope, customer, amount).await {
        CardStart::Started { payment, card } => (payment, card),
        other => panic!("expected a started card payment, got {other:?}"),
    }
}

async fn submit(store: &Store, scope: &TenantScope, customer: CustomerId) -> Payment {
    in_tx!(store, scope, |tx| card::submit_receipt(&mut tx, customer, Some("photo-file-id"), None).await?)
        .expect("an open card payment takes the receipt")
}

async fn approve(store: &Store, scope: &TenantScope, id: PaymentId) -> Decision {
    in_tx!(store, scope, |tx| card::approve(&mut tx, id, TelegramUserId::from_raw(ADMIN), None).await?)
}

async fn payment(store: &Store, scope: &TenantScope, id: PaymentId) -> Payment {
    let mut tx = store.tenant(scope).begin_read().await.unwrap();
    let payment = tx.payment(id).await.unwrap().expect("the payment exists");
    tx.commit().await.unwrap();
    payment
}

async fn balance(store: &Store, scope: &TenantScope, customer: CustomerId) -> i64 {
    let mut tx = store.tenant(scope).begin_read().await.unwrap();
    let balance = tx.balance(customer, Currency::Irt).await.unwrap().minor();
    tx.commit().await.unwrap();
    balance
}

/// A payment's history, oldest first.
async fn history(store: &Store, scope: &TenantScope, id: PaymentId) -> Vec<bazar_store::PaymentEvent> {
    let mut tx = store.tenant(scope).begin_read().await.unwrap();
    let events = tx.payment_events(id).await.unwrap();
    tx.commit().await.unwrap();
    events
}

/// The amounts of a customer's ledger entries (newest first), and whether `key` was posted.
async fn ledger(store: &Store, scope: &TenantScope, customer: CustomerId, key: &str) -> (Vec<i64>, bool) {
    let mut tx = store.tenant(scope).begin_read().await.unwrap();
    let entries = tx.ledger_entries(customer, 100).await.unwrap().into_iter().map(|e| e.amount.minor()).collect();
    let exists = tx.ledger_key_exists(key).await.unwrap();
    tx.commit().await.unwrap();
    (entries, exists)
}

async fn assert_ledger_consistent(store: &Store, scope: &TenantScope) {
    let mismatches = store.tenant(scope).ledger_check().await.unwrap();
    assert!(mismatches.is_empty(), "`bazar ledger check` would report: {mismatches:?}");
}

/// What a payment asks the customer for, in minor units of its currency (or Stars).
fn charged(payment: &Payment) -> i64 {
    payment.charge.parts().0
}

fn in_suffix_range(amount: i64, base: i64) -> bool {
    (base + 1..=base + 999).contains(&amount)
}

/// `approvals` admins approving and `rejections` admins rejecting payment
/// `id`, all at the same moment, each in their own transaction.
async fn race(store: &Store, scope: &TenantScope, id: PaymentId, approvals: usize, rejections: usize) -> Vec<Decision> {
    let gate = Arc::new(tokio::sync::Barrier::new(approvals + rejections));
    let tasks: Vec<_> = (0..approvals + rejections)
        .map(|i| {
            let (store, scope, gate) = (store.clone(), scope.clone(), gate.clone());
            tokio::spawn(async move {
                gate.wait().await;
                if i < approvals {
                    approve(&store, &scope, id).await
                } else {
                    let admin = TelegramUserId::from_raw(ADMIN);
                    in_tx!(store, &scope, |tx| card::reject(&mut tx, id, admin, "not received").await?)
                }
            })
        })
        .collect();
    let mut decisions = Vec::new();
    for task in tasks {
        decisions.push(task.await.unwrap());
    }
    decisions
}

/// A card payment with its receipt in, created straight in the store with no
/// card row behind it (`card_id` NULL): deciding a payment never reads its card.
async fn submitted_without_card(store: &Store, scope: &TenantScope, customer: CustomerId, amount: i64) -> PaymentId {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let new = NewPayment {
        customer_id: customer,
        method: PaymentMethod::Card,
        charge: Charge::Money(Money::irt(amount)),
        credit: Money::irt(amount),
        plan_id: None,
        promo: None,
        card_id: None,
        expires_at: now + 3_600_000,
    };
    in_tx!(store, scope, |tx| {
        let payment = tx.create_payment(&new).await?;
        assert!(tx.attach_receipt(payment.id, Some("photo-file-id"), None).await?);
        payment.id
    })
}

// ---------------------------------------------------------------------------
// 1. A hundred admins click "approve" at once: one credit.
// ---------------------------------------------------------------------------

async fn hundred_concurrent_approvals_credit_once(db: Db) {
    let Shop { _db, store, scope } = shop(db).await;
    let buyer = customer(&store, &scope, 10).await;
    add_card(&store, &scope, 1, 1, None).await;
    let (started, _) = start_ok(&store, &scope, buyer, BASE).await;
    assert_eq!(started.status, PaymentStatus::Pending);
    let submitted = submit(&store, &scope, buyer).await;
    assert_eq!((submitted.id, submitted.status), (started.id, PaymentStatus::Submitted));
    assert_eq!(submitted.receipt_file_id.as_deref(), Some("photo-file-id"));

    let id = started.id;
    let mut credited = Vec::new();
    let mut already_paid = 0;
    for decision in race(&store, &scope, id, 100, 0).await {
        match decision {
            Decision::Approved(settlement) => credited.push(settlement),
            Decision::AlreadyDecided(PaymentStatus::Paid) => already_paid += 1,
            other => panic!("unexpected decision {other:?}"),
        }
    }
    assert_eq!((credited.len(), already_paid), (1, 99), "exactly one approval credits");
    let Settlement::Credited { payment: paid, purchase } = credited.pop().unwrap() else {
        panic!("an approval credits")
    };
    assert_eq!(purchase, None, "no plan was asked for");
    assert_eq!(paid.status, PaymentStatus::Paid);
    assert_eq!(paid.decided_by, Some(TelegramUserId::from_raw(ADMIN)));
    assert_eq!(Charge::Money(paid.credit), started.charge, "card payments credit what was transferred");

    assert_eq!(balance(&store, &scope, buyer).await, paid.credit.minor());
    let (entries, posted) = ledger(&store, &scope, buyer, &format!("c2c:{id}")).await;
    assert!(posted, "the credit's key is c2c:{{id}}");
    assert_eq!(entries, vec![paid.credit.minor()], "one ledger entry");
    let paid_events = history(&store, &scope, id).await.iter().filter(|e| e.status == PaymentStatus::Paid).count();
    assert_eq!(paid_events, 1, "one `paid` step in the history");
    assert_ledger_consistent(&store, &scope).await;
}

/// The same storm, and approvals racing rejections, on payments created
/// straight in the store with no card row: deciding never depends on the card.
async fn approval_races_decide_once(db: Db) {
    let Shop { _db, store, scope } = shop(db).await;
    let c = customers(&store, &scope, 2).await;

    let id = submitted_without_card(&store, &scope, c[0], BASE).await;
    let decisions = race(&store, &scope, id, 100, 0).await;
    let approved = decisions.iter().filter(|d| matches!(d, Decision::Approved(Settlement::Credited { .. }))).count();
    let repeats = decisions.iter().filter(|d| **d == Decision::AlreadyDecided(PaymentStatus::Paid)).count();
    assert_eq!((approved, repeats), (1, 99), "{decisions:?}");
    assert_eq!(balance(&store, &scope, c[0]).await, BASE);
    assert_eq!(ledger(&store, &scope, c[0], &format!("c2c:{id}")).await, (vec![BASE], true));

    // Fifty approve, fifty reject: one decision, whichever came first, and the rest see it.
    let id = submitted_without_card(&store, &scope, c[1], BASE).await;
    let decisions = race(&store, &scope, id, 50, 50).await;
    let status = payment(&store, &scope, id).await.status;
    assert!(matches!(status, PaymentStatus::Paid | PaymentStatus::Rejected), "{status:?}");
    let deciding = decisions.iter().filter(|d| matches!(d, Decision::Approved(_) | Decision::Rejected)).count();
    let repeats = decisions.iter().filter(|d| **d == Decision::AlreadyDecided(status)).count();
    assert_eq!((deciding, repeats), (1, 99), "{decisions:?}");
    let credited = if status == PaymentStatus::Paid { BASE } else { 0 };
    assert_eq!(balance(&store, &scope, c[1]).await, credited);
    let decided = history(&store, &scope, id).await.iter().filter(|e| !e.status.is_open()).count();
    assert_eq!(decided, 1, "one decision in the history");
    assert_ledger_consistent(&store, &scope).await;
}

// ---------------------------------------------------------------------------
// 2. A rejected receipt stays rejected.
// ---------------------------------------------------------------------------

async fn approval_after_rejection_is_refused(db: Db) {
    let Shop { _db, store, scope } = shop(db).await;
    let buyer = customer(&store, &scope, 10).await;
    add_card(&store, &scope, 1, 1, None).await;
    let (started, _) = start_ok(&store, &scope, buyer, BASE).await;
    let id = started.id;
    let receipt = in_tx!(store, &scope, |tx| card::submit_receipt(&mut tx, buyer, None, Some("ref 123456")).await?);
    assert_eq!(receipt.unwrap().receipt_text.as_deref(), Some("ref 123456"));

    let admin = TelegramUserId::from_raw(ADMIN);
    let reject = |reason: &'static str| {
        let (store, scope) = (store.clone(), scope.clone());
        async move { in_tx!(store, &scope, |tx| card::reject(&mut tx, id, admin, reason).await?) }
    };
    assert_eq!(reject("  no such transfer  ").await, Decision::Rejected);
    assert_eq!(reject("again").await, Decision::AlreadyDecided(PaymentStatus::Rejected));
    assert_eq!(approve(&store, &scope, id).await, Decision::AlreadyDecided(PaymentStatus::Rejected));
    // A stale approval reaching `settle` directly is refused as well.
    let settled = in_tx!(store, &scope, |tx| payments::settle(&mut tx, id, "admin:1", None, None).await?);
    assert_eq!(settled, Settlement::Closed(PaymentStatus::Rejected));

    assert_eq!(balance(&store, &scope, buyer).await, 0);
    let (entries, posted) = ledger(&store, &scope, buyer, &format!("c2c:{id}")).await;
    assert!(entries.is_empty() && !posted, "nothing credited");
    let rejected = payment(&store, &scope, id).await;
    assert_eq!(rejected.status, PaymentStatus::Rejected);
    assert_eq!(rejected.reason.as_deref(), Some("no such transfer"), "the reason, trimmed");
    assert_eq!(rejected.decided_by, Some(TelegramUserId::from_raw(ADMIN)));

    let events = history(&store, &scope, id).await;
    let steps: Vec<_> = events.iter().map(|e| (e.status, e.actor.as_deref(), e.note.as_deref())).collect();
    assert_eq!(
        steps,
        vec![
            (PaymentStatus::Pending, Some("customer"), None),
            (PaymentStatus::Submitted, Some("customer"), Some("receipt text")),
            (PaymentStatus::Rejected, Some("admin:500"), Some("no such transfer")),
        ]
    );
    // The customer may try again with a new payment.
    let (again, _) = start_ok(&store, &scope, buyer, BASE).await;
    assert_ne!(again.id, id);
    assert_ledger_consistent(&store, &scope).await;
}

// ---------------------------------------------------------------------------
// 3. Another tenant's admins cannot decide this tenant's payments.
// ---------------------------------------------------------------------------

async fn other_tenant_cannot_approve(db: Db) {
    let Shop { _db, store, scope: a } = shop(db).await;
    let b = add_tenant(&store, 2).await;
    let buyer = customer(&store, &a, 10).await;
    let in_b = customer(&store, &b, 10).await;
    add_card(&store, &a, 1, 1, None).await;
    let (started, _) = start_ok(&store, &a, buyer, BASE).await;
    submit(&store, &a, buyer).await;
    let id = started.id;
    let before = payment(&store, &a, id).await;
    let events_before = history(&store, &a, id).await.len();

    let admin = TelegramUserId::from_raw(ADMIN);
    assert_eq!(approve(&store, &b, id).await, Decision::NotFound);
    assert_eq!(in_tx!(store, &b, |tx| card::reject(&mut tx, id, admin, "nope").await?), Decision::NotFound);
    assert!(!in_tx!(store, &b, |tx| payments::expire(&mut tx, id).await?), "B cannot expire A's payment");
    let settled = try_in_tx!(store, &b, |tx| payments::settle(&mut tx, id, "admin:1", None, None).await?);
    assert!(matches!(settled, Err(StoreError::InvalidInput(_))), "{settled:?}");
    assert_eq!(in_tx!(store, &b, |tx| tx.payment(id).await?), None, "B does not even see it");

    assert_eq!(payment(&store, &a, id).await, before, "A's payment is untouched");
    assert_eq!(history(&store, &a, id).await.len(), events_before);
    assert_eq!(balance(&store, &a, buyer).await, 0);
    assert_eq!(balance(&store, &b, in_b).await, 0);

    // A's own admins still can.
    assert!(matches!(approve(&store, &a, id).await, Decision::Approved(_)));
    assert_eq!(balance(&store, &a, buyer).await, before.credit.minor());
    assert_ledger_consistent(&store, &a).await;
    assert_ledger_consistent(&store, &b).await;
}

// ---------------------------------------------------------------------------
// 4. Rotation and daily caps.
// ---------------------------------------------------------------------------

async fn card_over_daily_cap_is_skipped(db: Db) {
    let Shop { _db, store, scope } = shop(db).await;
    // Weighted, and card 1 weighs 100 times more: it is chosen whenever it has room.
    set_config(&store, &scope, ConfigKey::CardRotation, ConfigValue::Rotation(CardRotation::Weighted)).await;
    // Room for one payment of BASE plus the largest suffix, not for two.
    let cap = BASE + 1_000;
    let card1 = add_card(&store, &scope, 1, 100, Some(cap)).await;
    let card2 = add_card(&store, &scope, 2, 1, Some(cap)).await;
    let c = customers(&store, &scope, 3).await;

    let (p1, on) = start_ok(&store, &scope, c[0], BASE).await;
    assert_eq!(on.id, card1.id, "the heavy card first");
    let (_, on) = start_ok(&store, &scope, c[1], BASE).await;
    assert_eq!(on.id, card2.id, "card 1 is full for today");
    assert_eq!(start_card(&store, &scope, c[2], BASE).await, CardStart::NoCard, "every card is full");

    let cards = in_tx!(store, &scope, |tx| tx.cards().await?);
    assert!(cards.iter().all(|c| c.payments_today == 1 && c.used_today > BASE && c.used_today <= cap), "{cards:?}");

    // A rejected payment no longer counts against its card.
    let admin = TelegramUserId::from_raw(ADMIN);
    assert_eq!(in_tx!(store, &scope, |tx| card::reject(&mut tx, p1.id, admin, "no").await?), Decision::Rejected);
    let (_, on) = start_ok(&store, &scope, c[2], BASE).await;
    assert_eq!(on.id, card1.id, "card 1 has room again");
}

async fn rotation_strategies(db: Db) {
    let Shop { _db, store, scope } = shop(db).await;
    let c = customers(&store, &scope, 4).await;
    let heavy = add_card(&store, &scope, 1, 3, None).await;
    let light = add_card(&store, &scope, 2, 1, None).await;

    // Round robin (the default): in turn.
    let mut order = Vec::new();
    for &customer in &c {
        order.push(start_ok(&store, &scope, customer, BASE).await.1.id);
    }
    assert_eq!(order, vec![heavy.id, light.id, heavy.id, light.id], "round robin alternates");
    // Close them, so today's counts start again from zero for the weighted part.
    for &customer in &c {
        let id = in_tx!(store, &scope, |tx| tx.open_card_payment(customer).await?).unwrap().id;
        let admin = TelegramUserId::from_raw(ADMIN);
        assert_eq!(in_tx!(store, &scope, |tx| card::reject(&mut tx, id, admin, "test").await?), Decision::Rejected);
    }

    // Weighted 3:1 over eight payments of eight customers: 6 and 2.
    set_config(&store, &scope, ConfigKey::CardRotation, ConfigValue::Rotation(CardRotation::Weighted)).await;
    let c2 = customers_from(&store, &scope, 200, 8).await;
    let mut on_heavy = 0;
    let mut on_light = 0;
    for &customer in &c2 {
        let card = start_ok(&store, &scope, customer, BASE).await.1;
        if card.id == heavy.id {
            on_heavy += 1;
        } else {
            on_light += 1;
        }
    }
    assert_eq!((on_heavy, on_light), (6, 2), "in proportion to the weights");

    // Least used: the card with the smaller amount assigned today.
    set_config(&store, &scope, ConfigKey::CardRotation, ConfigValue::Rotation(CardRotation::LeastUsed)).await;
    set_config(&store, &scope, ConfigKey::CardUniqueAmount, ConfigValue::Bool(false)).await;
    let used = |cards: &[PaymentCard], id: CardId| cards.iter().find(|c| c.id == id).unwrap().used_today;
    let cards = in_tx!(store, &scope, |tx| tx.cards().await?);
    let lighter = if used(&cards, heavy.id) <= used(&cards, light.id) { heavy.id } else { light.id };
    let c3 = customers_from(&store, &scope, 300, 1).await;
    assert_eq!(start_ok(&store, &scope, c3[0], BASE).await.1.id, lighter, "least used");
}

async fn customers_from(store: &Store, scope: &TenantScope, first: i64, n: i64) -> Vec<CustomerId> {
    let mut out = Vec::new();
    for i in 0..n {
        out.push(customer(store, scope, first + i).await);
    }
    out
}

/// Many customers asking to pay at the same moment never push a card over its
/// daily cap. Five rounds, each on a fresh card with room for one payment (the
/// earlier cards are full), so a race that is not always lost is still caught.
async fn concurrent_starts_respect_daily_cap(db: Db) {
    let Shop { _db, store, scope } = shop(db).await;
    let settings = settings(&store, &scope).await;
    for round in 0..5 {
        let card = add_card(&store, &scope, round + 1, 1, Some(BASE + 999)).await;
        let c = customers_from(&store, &scope, 1_000 + 100 * round as i64, 10).await;
        let gate = Arc::new(tokio::sync::Barrier::new(c.len()));
        let tasks: Vec<_> = c
            .iter()
            .map(|&customer| {
                let (store, scope, settings, gate) = (store.clone(), scope.clone(), settings.clone(), gate.clone());
                tokio::spawn(async move {
                    gate.wait().await;
                    in_tx!(store, &scope, |tx| card::start(&mut tx, &settings, customer, Money::irt(BASE), None)
                        .await?)
                })
            })
            .collect();
        let mut started = 0;
        for task in tasks {
            match task.await.unwrap() {
                CardStart::Started { card: on, .. } => {
                    assert_eq!(on.id, card.id, "the earlier cards are full");
                    started += 1;
                }
                CardStart::NoCard => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        let used = in_tx!(store, &scope, |tx| tx.card(card.id).await?).unwrap().used_today;
        assert_eq!(started, 1, "round {round}: one payment fits under the cap, {started} started ({used} assigned)");
        assert!(used <= BASE + 999);
    }
}

// ---------------------------------------------------------------------------
// 5. One open card payment per customer.
// ---------------------------------------------------------------------------

async fn one_open_card_payment_per_customer(db: Db) {
    let Shop { _db, store, scope } = shop(db).await;
    let buyer = customer(&store, &scope, 10).await;
    let on = add_card(&store, &scope, 1, 1, None).await;
    let (first, _) = start_ok(&store, &scope, buyer, BASE).await;
    match start_card(&store, &scope, buyer, 70_000).await {
        CardStart::AlreadyOpen { payment, card } => {
            assert_eq!(payment.id, first.id);
            assert_eq!(card.map(|c| c.id), Some(on.id));
        }
        other => panic!("expected AlreadyOpen, got {other:?}"),
    }

    // Past the service, the database's partial unique index refuses a second open card payment.
    let raw = NewPayment {
        customer_id: buyer,
        method: PaymentMethod::Card,
        charge: Charge::Money(Money::irt(70_000)),
        credit: Money::irt(70_000),
        plan_id: None,
        promo: None,
        card_id: Some(on.id),
        expires_at: first.expires_at,
    };
    let mut tx = store.tenant(&scope).begin().await.unwrap();
    let refused = tx.create_payment(&raw).await;
    drop(tx);
    assert!(matches!(refused, Err(StoreError::Conflict(_))), "expected a conflict, got {refused:?}");

    // Submitted is still open; once decided, a new one may start.
    submit(&store, &scope, buyer).await;
    assert!(matches!(start_card(&store, &scope, buyer, 70_000).await, CardStart::AlreadyOpen { .. }));
    assert!(matches!(approve(&store, &scope, first.id).await, Decision::Approved(_)));
    let (second, _) = start_ok(&store, &scope, buyer, 70_000).await;
    assert_ne!(second.id, first.id);
    // Cancelled before any receipt: closed, and the customer has no open payment.
    assert!(in_tx!(store, &scope, |tx| card::cancel(&mut tx, buyer).await?));
    assert!(!in_tx!(store, &scope, |tx| card::cancel(&mut tx, buyer).await?));
    assert_eq!(payment(&store, &scope, second.id).await.status, PaymentStatus::Failed);
    assert_eq!(in_tx!(store, &scope, |tx| card::submit_receipt(&mut tx, buyer, Some("x"), None).await?), None);
}

/// The same customer tapping "pay by card" many times at once gets one payment.
async fn concurrent_starts_of_one_customer_open_one_payment(db: Db) {
    let Shop { _db, store, scope } = shop(db).await;
    let buyer = customer(&store, &scope, 10).await;
    add_card(&store, &scope, 1, 1, None).await;
    let settings = settings(&store, &scope).await;
    let gate = Arc::new(tokio::sync::Barrier::new(10));
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (store, scope, settings, gate) = (store.clone(), scope.clone(), settings.clone(), gate.clone());
            tokio::spawn(async move {
                gate.wait().await;
                try_in_tx!(store, &scope, |tx| card::start(&mut tx, &settings, buyer, Money::irt(BASE), None).await?)
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(CardStart::Started { payment, .. }) => ids.push(payment.id),
            Ok(CardStart::AlreadyOpen { .. }) | Err(StoreError::Conflict(_)) => {}
            other => panic!("expected Started, AlreadyOpen or a conflict, got {other:?}"),
        }
    }
    assert_eq!(ids.len(), 1, "one payment");
    let open = in_tx!(store, &scope, |tx| tx.open_card_payment(buyer).await?).unwrap();
    assert_eq!(open.id, ids[0]);
}

// ---------------------------------------------------------------------------
// 6. Expiry.
// ---------------------------------------------------------------------------

async fn expired_payment_cannot_be_approved(db: Db) {
    let Shop { _db, store, scope } = shop(db).await;
    let c = customers(&store, &scope, 2).await;
    add_card(&store, &scope, 1, 1, None).await;

    let (pending, _) = start_ok(&store, &scope, c[0], BASE).await;
    assert!(in_tx!(store, &scope, |tx| payments::expire(&mut tx, pending.id).await?));
    let expired = payment(&store, &scope, pending.id).await;
    assert_eq!(expired.status, PaymentStatus::Expired);
    assert_eq!(expired.reason.as_deref(), Some("not paid in time"));
    assert!(!in_tx!(store, &scope, |tx| payments::expire(&mut tx, pending.id).await?), "once");
    assert_eq!(approve(&store, &scope, pending.id).await, Decision::AlreadyDecided(PaymentStatus::Expired));
    let late = in_tx!(store, &scope, |tx| card::submit_receipt(&mut tx, c[0], Some("late"), None).await?);
    assert_eq!(late, None, "a late receipt finds no open payment");
    assert_eq!(balance(&store, &scope, c[0]).await, 0);

    // A receipt that is in waits for the admins: the expiry job leaves it.
    let (submitted, _) = start_ok(&store, &scope, c[1], BASE).await;
    submit(&store, &scope, c[1]).await;
    assert!(!in_tx!(store, &scope, |tx| payments::expire(&mut tx, submitted.id).await?));
    assert_eq!(payment(&store, &scope, submitted.id).await.status, PaymentStatus::Submitted);
    assert!(matches!(approve(&store, &scope, submitted.id).await, Decision::Approved(_)));
    assert_eq!(balance(&store, &scope, c[1]).await, submitted.credit.minor());
    assert_ledger_consistent(&store, &scope).await;
}

// ---------------------------------------------------------------------------
// 7. Unique amounts.
// ---------------------------------------------------------------------------

async fn unique_amount_suffix(db: Db) {
    let Shop { _db, store, scope } = shop(db).await;
    let on = add_card(&store, &scope, 1, 1, None).await;
    let c = customers(&store, &scope, 21).await;
    let mut amounts = Vec::new();
    for &customer in &c[..20] {
        let (payment, card) = start_ok(&store, &scope, customer, BASE).await;
        assert_eq!(card.id, on.id);
        let paid = charged(&payment);
        assert!(in_suffix_range(paid, BASE), "{paid} is not BASE + 1..=999");
        assert_eq!(payment.credit.minor(), paid, "the suffix is credited too");
        amounts.push(paid);
    }
    let mut distinct = amounts.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), amounts.len(), "open amounts on one card differ: {amounts:?}");

    set_config(&store, &scope, ConfigKey::CardUniqueAmount, ConfigValue::Bool(false)).await;
    let (exact, _) = start_ok(&store, &scope, c[20], BASE).await;
    assert_eq!((charged(&exact), exact.credit), (BASE, Money::irt(BASE)), "without the suffix the amount is exact");
}

// ---------------------------------------------------------------------------
// 8. Telegram Stars.
// ---------------------------------------------------------------------------

async fn start_stars(
    store: &Store,
    scope: &TenantScope,
    customer: CustomerId,
    credit: i64,
    plan: Option<PlanId>,
) -> Payment {
    let settings = settings(store, scope).await;
    let credit = Money::irt(credit);
    match in_tx!(store, scope, |tx| stars::start(&mut tx, &settings, customer, credit, plan.map(|p| (p, None))).await?)
    {
        StarsStart::Invoice(payment) => payment,
        other => panic!("expected an invoice, got {other:?}"),
    }
}

async fn stars_paid(
    store: &Store,
    scope: &TenantScope,
    customer: CustomerId,
    payload: &str,
    charge: &str,
) -> StarsPaid {
    in_tx!(store, scope, |tx| stars::paid(&mut tx, customer, payload, charge, None).await?)
}

async fn pre_checkout(
    store: &Store,
    scope: &TenantScope,
    customer: CustomerId,
    payload: &str,
    currency: &str,
    total: i64,
) -> Result<Payment, PreCheckoutRefusal> {
    in_tx!(store, scope, |tx| stars::check_pre_checkout(&mut tx, customer, payload, currency, total).await?)
}

async fn stars_credit_once_and_refund_once(db: Db) {
    let Shop { _db, store, scope } = shop(db).await;
    let c = customers(&store, &scope, 3).await;
    let buyer = c[0];
    let settings = settings(&store, &scope).await;
    let not_yet = in_tx!(store, &scope, |tx| stars::start(&mut tx, &settings, buyer, Money::irt(25_500), None).await?);
    assert_eq!(not_yet, StarsStart::NotConfigured, "Stars stay off until a rate is set");

    set_config(&store, &scope, ConfigKey::StarsRate, ConfigValue::Int(1_000)).await;
    let invoice = start_stars(&store, &scope, buyer, 25_500, None).await;
    assert_eq!(invoice.method, PaymentMethod::Stars);
    assert_eq!(invoice.charge, Charge::Stars(Stars(26)), "ceil(25 500 / 1 000) Stars");
    assert_eq!(invoice.credit, Money::irt(25_500));
    let payload = stars::invoice_payload(&invoice);

    // Pre-checkout: only the invoice as issued, by its customer.
    let ok = pre_checkout(&store, &scope, buyer, &payload, "XTR", 26).await;
    assert_eq!(ok.map(|p| p.id), Ok(invoice.id));
    let refusal = |r: Result<Payment, PreCheckoutRefusal>| r.err();
    assert_eq!(
        refusal(pre_checkout(&store, &scope, buyer, &payload, "XTR", 25).await),
        Some(PreCheckoutRefusal::Mismatch)
    );
    assert_eq!(
        refusal(pre_checkout(&store, &scope, buyer, &payload, "IRT", 26).await),
        Some(PreCheckoutRefusal::Mismatch)
    );
    let unknown = format!("pay:{}", invoice.id.get() + 1_000);
    assert_eq!(
        refusal(pre_checkout(&store, &scope, buyer, &unknown, "XTR", 26).await),
        Some(PreCheckoutRefusal::Unknown)
    );
    assert_eq!(
        refusal(pre_checkout(&store, &scope, buyer, "junk", "XTR", 26).await),
        Some(PreCheckoutRefusal::Unknown)
    );
    assert_eq!(
        refusal(pre_checkout(&store, &scope, c[1], &payload, "XTR", 26).await),
        Some(PreCheckoutRefusal::Unknown)
    );

    // `successful_payment` twenty times at once, then once more: one credit.
    let gate = Arc::new(tokio::sync::Barrier::new(20));
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (store, scope, gate, payload) = (store.clone(), scope.clone(), gate.clone(), payload.clone());
            tokio::spawn(async move {
                gate.wait().await;
                stars_paid(&store, &scope, buyer, &payload, "ch_1").await
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    outcomes.push(stars_paid(&store, &scope, buyer, &payload, "ch_1").await);
    let credited = outcomes.iter().filter(|o| matches!(o, StarsPaid::Settled(Settlement::Credited { .. }))).count();
    let repeats = outcomes.iter().filter(|o| **o == StarsPaid::Settled(Settlement::AlreadyPaid)).count();
    assert_eq!((credited, repeats), (1, 20), "{outcomes:?}");
    let paid = payment(&store, &scope, invoice.id).await;
    assert_eq!((paid.status, paid.charge_id.as_deref()), (PaymentStatus::Paid, Some("ch_1")));
    assert_eq!(balance(&store, &scope, buyer).await, 25_500);
    let (entries, posted) = ledger(&store, &scope, buyer, "stars:ch_1").await;
    assert!(posted, "credited under Telegram's charge id");
    assert_eq!(entries, vec![25_500]);
    assert_eq!(
        refusal(pre_checkout(&store, &scope, buyer, &payload, "XTR", 26).await),
        Some(PreCheckoutRefusal::NotOpen),
        "a paid invoice is not paid again"
    );
    // Another charge for the same payment is not credited (the admins must look).
    assert_eq!(stars_paid(&store, &scope, buyer, &payload, "ch_2").await, StarsPaid::Unknown);
    // Nor is a charge reported by another customer.
    assert_eq!(stars_paid(&store, &scope, c[1], &payload, "ch_1").await, StarsPaid::Unknown);
    assert_eq!(balance(&store, &scope, buyer).await, 25_500);

    // Refund: checked, recorded once, the credit taken back once.
    let check = in_tx!(store, &scope, |tx| stars::check_refund(&mut tx, invoice.id).await?);
    assert!(matches!(&check, RefundCheck::Ready(p) if p.id == invoice.id), "{check:?}");
    let refund = || {
        let (store, scope) = (store.clone(), scope.clone());
        async move { in_tx!(store, &scope, |tx| stars::record_refund(&mut tx, invoice.id, "operator").await?) }
    };
    assert!(refund().await);
    assert!(!refund().await, "recorded once");
    assert_eq!(payment(&store, &scope, invoice.id).await.status, PaymentStatus::Refunded);
    assert_eq!(balance(&store, &scope, buyer).await, 0);
    let (entries, refunded) = ledger(&store, &scope, buyer, "stars-refund:ch_1").await;
    assert!(refunded);
    assert_eq!(entries, vec![-25_500, 25_500]);
    let check = in_tx!(store, &scope, |tx| stars::check_refund(&mut tx, invoice.id).await?);
    assert_eq!(check, RefundCheck::NotRefundable(Some(PaymentStatus::Refunded)));
    // A late repeat of the original `successful_payment` credits nothing.
    assert_eq!(
        stars_paid(&store, &scope, buyer, &payload, "ch_1").await,
        StarsPaid::Settled(Settlement::Closed(PaymentStatus::Refunded))
    );
    assert_eq!(balance(&store, &scope, buyer).await, 0);

    // Stars that arrive after our expiry really arrived: credited.
    let late = start_stars(&store, &scope, c[1], 10_000, None).await;
    assert!(in_tx!(store, &scope, |tx| payments::expire(&mut tx, late.id).await?));
    let payload = stars::invoice_payload(&late);
    assert_eq!(
        refusal(pre_checkout(&store, &scope, c[1], &payload, "XTR", charged(&late)).await),
        Some(PreCheckoutRefusal::NotOpen)
    );
    let outcome = stars_paid(&store, &scope, c[1], &payload, "ch_late").await;
    assert!(matches!(outcome, StarsPaid::Settled(Settlement::Credited { .. })), "{outcome:?}");
    assert_eq!(balance(&store, &scope, c[1]).await, 10_000);

    // One Telegram charge belongs to one payment: reported for another, it credits nothing.
    let other = start_stars(&store, &scope, c[2], 10_000, None).await;
    let payload = stars::invoice_payload(&other);
    let reused = try_in_tx!(store, &scope, |tx| stars::paid(&mut tx, c[2], &payload, "ch_1", None).await?);
    assert!(matches!(reused, Err(StoreError::Conflict(_))), "{reused:?}");
    assert_eq!(payment(&store, &scope, other.id).await.status, PaymentStatus::Pending);
    assert_eq!(balance(&store, &scope, c[2]).await, 0);

    // A credit partly spent: the refund check says so.
    let spent = start_stars(&store, &scope, c[2], 20_000, None).await;
    stars_paid(&store, &scope, c[2], &stars::invoice_payload(&spent), "ch_spent").await;
    in_tx!(store, &scope, |tx| tx.post(c[2], -Money::irt(5_000), EntryKind::Purchase, "spend:1", None).await?);
    let check = in_tx!(store, &scope, |tx| stars::check_refund(&mut tx, spent.id).await?);
    assert_eq!(check, RefundCheck::Spent { balance: Money::irt(15_000), credit: Money::irt(20_000) });

    assert_ledger_consistent(&store, &scope).await;
}

// ---------------------------------------------------------------------------
// 9. A plan bought with the credit.
// ---------------------------------------------------------------------------

async fn plan_bought_on_credit(db: Db) {
    let Shop { _db, store, scope } = shop(db).await;
    let platform = platform();
    // Provisioning is only a queued job here: the panel is never called.
    let panel = NewPanel {
        name: "main".into(),
        kind: bazar_domain::PanelKind::named("remnawave"),
        base_url: "http://127.0.0.1:9".into(),
        credentials: bazar_domain::PanelCredentials::token("unused".to_owned().into()),
        make_default: true,
        catalog: None,
    };
    store.platform(&platform).add_panel(panel).await.unwrap();
    let plan = NewPlan {
        names: PlanNames { en: Some("1 month".into()), ..PlanNames::default() },
        duration_days: 30,
        traffic_bytes: None,
        device_limit: None,
        price: bazar_domain::Money::irt(60_000),
        sort: 0,
        panel_options: bazar_domain::PlanOptions::default()
            .with("squads", bazar_domain::Choice::Values(vec!["3a9c0d1e-5b7f-4c2a-9e8d-1f2a3b4c5d6e".into()])),
    };
    let plan = store.tenant(&scope).add_plan(&plan).await.unwrap();
    // Exact amounts, so the credit is the plan's price.
    set_config(&store, &scope, ConfigKey::CardUniqueAmount, ConfigValue::Bool(false)).await;
    set_config(&store, &scope, ConfigKey::StarsRate, ConfigValue::Int(1_000)).await;
    let c = customers(&store, &scope, 2).await;
    let buyer = c[0];
    add_card(&store, &scope, 1, 1, None).await;

    let CardStart::Started { payment: started, .. } =
        start_card_for_plan(&store, &scope, buyer, plan.price.minor(), Some(plan.id)).await
    else {
        panic!("the card payment starts")
    };
    assert_eq!((started.credit, started.plan_id), (plan.price, Some(plan.id)));
    submit(&store, &scope, buyer).await;
    let id = started.id;

    // Ten approvals at once: one credit, one purchase.
    let mut bought = Vec::new();
    for decision in race(&store, &scope, id, 10, 0).await {
        match decision {
            Decision::Approved(Settlement::Credited { purchase, .. }) => bought.push(purchase),
            Decision::AlreadyDecided(PaymentStatus::Paid) => {}
            other => panic!("unexpected decision {other:?}"),
        }
    }
    let [Some(AutoPurchase::Bought(subscription))] = bought[..] else { panic!("one purchase, got {bought:?}") };
    assert_eq!(balance(&store, &scope, buyer).await, 0, "the credit paid for the plan");
    let subscriptions = in_tx!(store, &scope, |tx| tx.customer_subscriptions(buyer).await?);
    assert_eq!(
        subscriptions.iter().map(|s| (s.id, s.plan_id)).collect::<Vec<_>>(),
        vec![(subscription, Some(plan.id))]
    );

    // Approving or settling again buys nothing more.
    assert_eq!(approve(&store, &scope, started.id).await, Decision::AlreadyDecided(PaymentStatus::Paid));
    let again = in_tx!(store, &scope, |tx| payments::settle(&mut tx, started.id, "admin:1", None, None).await?);
    assert_eq!(again, Settlement::AlreadyPaid);
    assert_eq!(in_tx!(store, &scope, |tx| tx.customer_subscriptions(buyer).await?).len(), 1);
    let (entries, _) = ledger(&store, &scope, buyer, "").await;
    assert_eq!(entries, vec![-plan.price.minor(), plan.price.minor()], "one credit, one purchase");

    // The same through Stars.
    let invoice = start_stars(&store, &scope, c[1], plan.price.minor(), Some(plan.id)).await;
    let outcome = stars_paid(&store, &scope, c[1], &stars::invoice_payload(&invoice), "ch_plan").await;
    let StarsPaid::Settled(Settlement::Credited { purchase: Some(AutoPurchase::Bought(id)), .. }) = outcome else {
        panic!("Stars credit buys the plan, got {outcome:?}")
    };
    assert_eq!(balance(&store, &scope, c[1]).await, 0);
    let subscriptions = in_tx!(store, &scope, |tx| tx.customer_subscriptions(c[1]).await?);
    assert_eq!(subscriptions.iter().map(|s| s.id).collect::<Vec<_>>(), vec![id]);
    assert_ledger_consistent(&store, &scope).await;
}

on_both_backends!(hundred_concurrent_approvals_credit_once);
on_both_backends!(approval_races_decide_once);
on_both_backends!(approval_after_rejection_is_refused);
on_both_backends!(other_tenant_cannot_approve);
on_both_backends!(card_over_daily_cap_is_skipped);
on_both_backends!(rotation_strategies);
on_both_backends!(concurrent_starts_respect_daily_cap);
on_both_backends!(one_open_card_payment_per_customer);
on_both_backends!(concurrent_starts_of_one_customer_open_one_payment);
on_both_backends!(expired_payment_cannot_be_approved);
on_both_backends!(unique_amount_suffix);
on_both_backends!(stars_credit_once_and_refund_once);
on_both_backends!(plan_bought_on_credit);

use crate::platform;
