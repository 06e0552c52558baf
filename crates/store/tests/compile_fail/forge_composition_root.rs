// The composition root cannot be forged or copied: no Default, no Clone (nor
// a literal: forge_platform_literal.rs). The one way to it is
// CompositionRoot::claim(), which succeeds once per process (main claims it
// first) and which clippy.toml disallows anywhere but at a composition root.
use bazar_store::CompositionRoot;

fn copy(root: &CompositionRoot) -> CompositionRoot {
    CompositionRoot::clone(root)
}

fn main() {
    let _default = CompositionRoot::default();
    let _ = copy;
}
