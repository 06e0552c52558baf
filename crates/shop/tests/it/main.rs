//! The shop's use cases against real databases and fake or real panels, in
//! one test binary.

use bazar_store::{CompositionRoot, PlatformScope};

/// The test process's platform access: a test binary is its own composition
/// root, claims it once and hands every test a copy.
fn platform() -> PlatformScope {
    static SCOPE: std::sync::OnceLock<PlatformScope> = std::sync::OnceLock::new();
    #[expect(clippy::disallowed_methods, reason = "a test binary is its own composition root")]
    let claim = || CompositionRoot::claim().expect("claimed once per test binary").platform_scope();
    SCOPE.get_or_init(claim).clone()
}

/// Credits `amount` toman to `customer` (ledger key `topup:1`) and buys
/// `plan` with them (key `buy:1`), in `tx`.
async fn top_up_and_buy(
    tx: &mut bazar_store::TenantTx,
    customer: bazar_domain::CustomerId,
    plan: bazar_domain::PlanId,
    amount: i64,
) -> bazar_shop::BuyOutcome {
    let topup = bazar_store::EntryKind::TopUp;
    tx.post(customer, bazar_domain::Money::irt(amount), topup, "topup:1", None).await.unwrap();
    let purchase = bazar_shop::Purchase::plain("buy:1", bazar_domain::Currency::Irt);
    bazar_shop::buy(tx, customer, plan, &purchase).await.unwrap()
}

mod drift;
mod lifecycle;
mod payments;
mod reset_link;
mod shared_panel;
