// Platform access is not claimed where it is wanted: the constructors that
// took nothing are gone, the store's own is private, and there is no Default
// (nor a literal: forge_platform_literal.rs). A PlatformScope comes only from
// CompositionRoot::platform_scope — from the root main claims once — and is
// handed down.
use bazar_store::PlatformScope;

fn main() {
    let _operator = PlatformScope::for_operator();
    let _master = PlatformScope::for_master_bot();
    let _internal = PlatformScope::new();
    let _default = PlatformScope::default();
}
