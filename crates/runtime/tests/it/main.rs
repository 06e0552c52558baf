//! The runtime's parts tested alone (broadcast engine, unreadable jobs, a
//! handler that panics), in one test binary.

use bazar_store::{CompositionRoot, PlatformScope};

/// The test process's platform access: a test binary is its own composition
/// root, claims it once and hands every test a copy.
fn platform() -> PlatformScope {
    static SCOPE: std::sync::OnceLock<PlatformScope> = std::sync::OnceLock::new();
    #[expect(clippy::disallowed_methods, reason = "a test binary is its own composition root")]
    let claim = || CompositionRoot::claim().expect("claimed once per test binary").platform_scope();
    SCOPE.get_or_init(claim).clone()
}

mod broadcast_engine;
mod handler_panic;
mod job_attempts;
mod unreadable_job;
