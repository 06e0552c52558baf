// Neither a PlatformScope nor the CompositionRoot it comes from can be written
// as a literal: their fields are private.
use bazar_store::{CompositionRoot, PlatformScope};

fn main() {
    let _scope = PlatformScope { _private: () };
    let _root = CompositionRoot { _once: () };
}
