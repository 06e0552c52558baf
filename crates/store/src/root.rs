//! The composition root's one-time claim on platform access.
//!
//! A [`PlatformScope`] reads and manages every tenant, so it is not made
//! where it is needed: the binary's `main` (the composition root) claims the
//! [`CompositionRoot`] once, as it starts, makes the platform scope from it,
//! and hands that scope to the paths that need it (the CLI commands, the
//! runtime's registry and job claimer, the provisioner's panel lookups, the
//! master bot's platform area, the platform API). Everything else — tenant
//! code above all — has no way to make one:
//!
//! * `PlatformScope` has no public constructor, no `Default`, no literal
//!   (`tests/compile_fail/forge_platform_scope.rs`); only
//!   [`CompositionRoot::platform_scope`] makes one;
//! * a `CompositionRoot` is neither `Clone` nor `Default` nor a literal
//!   (`tests/compile_fail/forge_composition_root.rs`), and
//!   [`CompositionRoot::claim`] succeeds once per process: after `main`
//!   claimed it, any later claim is refused;
//! * `clippy.toml` disallows calling `CompositionRoot::claim` anywhere but at
//!   a composition root (`crates/bazar/src/main.rs`, the `bazar-load` tool's
//!   `main`, and a test binary's one helper), which say so with `#[expect]`.

use crate::tenancy::PlatformScope;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether this process's root was claimed.
static CLAIMED: AtomicBool = AtomicBool::new(false);

/// The one-time permission to make [`PlatformScope`]s, held by `main`.
#[derive(Debug)]
pub struct CompositionRoot {
    _once: (),
}

/// A second claim of the composition root in one process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the composition root was already claimed: platform access is handed down from `main`, never claimed twice")]
pub struct RootClaimed;

impl CompositionRoot {
    /// Claims the root: `Ok` the first time in the process, [`RootClaimed`]
    /// ever after. Only a composition root calls it, first thing.
    pub fn claim() -> Result<Self, RootClaimed> {
        match CLAIMED.swap(true, Ordering::SeqCst) {
            false => Ok(Self { _once: () }),
            true => Err(RootClaimed),
        }
    }

    /// Platform-wide access, to hand to the paths that act for the platform.
    pub fn platform_scope(&self) -> PlatformScope {
        PlatformScope::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[expect(clippy::disallowed_methods, reason = "the test is about claiming the root")]
    fn the_root_is_claimed_once_per_process() {
        {
            let root = CompositionRoot::claim().expect("the first claim");
            let _scope = root.platform_scope();
            assert_eq!(CompositionRoot::claim().unwrap_err(), RootClaimed);
        }
        assert_eq!(CompositionRoot::claim().unwrap_err(), RootClaimed, "not even once the first is gone");
    }
}
