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

mod lifecycle;
mod payments;
mod reset_link;
mod shared_panel;
