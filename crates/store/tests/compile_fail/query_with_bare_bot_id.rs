// Tenant operations take a &TenantScope, never a bare (or optional) bot id.
use bazar_store::BotId;
use bazar_store::Store;

async fn list_customers(store: &Store) {
    let _ = store.tenant(&BotId::from_raw(1)).customer_count().await;
    let _ = store.tenant(&None).customer_count().await;
}

fn main() {
    let _ = list_customers;
}
