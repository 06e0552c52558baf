//! The tenancy guarantee, checked by the compiler: code that tries to reach a
//! tenant without a `TenantScope` from an approved source does not build, and
//! neither does code that makes itself a `PlatformScope` (or the
//! `CompositionRoot` it comes from) instead of being handed one.

#[test]
fn tenant_access_needs_a_scope() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail/*.rs");
}
