//! The tenancy guarantee, checked by the compiler: code that tries to reach a
//! tenant without a `TenantScope` from an approved source does not build.

#[test]
fn tenant_access_needs_a_scope() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail/*.rs");
}
