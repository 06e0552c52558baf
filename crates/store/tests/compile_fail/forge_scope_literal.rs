// A TenantScope cannot be written as a literal: its field is private.
use bazar_store::BotId;
use bazar_store::TenantScope;

fn main() {
    let _scope = TenantScope { bot_id: BotId::from_raw(1) };
}
