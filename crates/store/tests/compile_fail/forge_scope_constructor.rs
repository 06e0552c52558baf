// There is no public constructor and no Default: a scope comes only from
// resolve_active_bot, authenticate_api_token or Platform::tenant.
use bazar_store::BotId;
use bazar_store::TenantScope;

fn main() {
    let _a = TenantScope::new(BotId::from_raw(1));
    let _b = TenantScope::default();
}
