//! The tenancy guarantee, checked by the compiler: code that tries to reach a
//! tenant without a `TenantScope` from an approved source does not build, and
//! neither does code that makes itself a `PlatformScope` (or the
//! `CompositionRoot` it comes from) instead of being handed one.
//!
//! Each `tests/compile_fail/NAME.rs` is type-checked by `rustc` against the
//! `bazar_store` library this test was built with (its dependencies found by
//! their hashes in the same directory), and
//! must fail with exactly the `error[…]` lines of `NAME.stderr` (the full
//! compiler output kept there for the reader). This is what trybuild did,
//! without building every dependency a second time in its own target
//! directory (two minutes of CI on a fresh clone).

use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn tenant_access_needs_a_scope() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compile_fail");
    let mut checked = 0;
    for entry in std::fs::read_dir(&cases).unwrap() {
        let source = entry.unwrap().path();
        if source.extension().is_some_and(|e| e == "rs") {
            assert_fails_as_recorded(&source);
            checked += 1;
        }
    }
    assert!(checked >= 6, "only {checked} cases found in {}", cases.display());
}

fn assert_fails_as_recorded(source: &Path) {
    let expected = error_lines(&std::fs::read_to_string(source.with_extension("stderr")).unwrap());
    assert!(!expected.is_empty(), "{} records no error", source.display());
    let deps = deps_dir();
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .args(["--edition", "2024", "--crate-type", "bin", "--emit=metadata", "--color=never"])
        .arg("--extern")
        .arg(format!("bazar_store={}", newest_rlib(&deps, "bazar_store").display()))
        .arg("-L")
        .arg(format!("dependency={}", deps.display()))
        .arg("--out-dir")
        .arg(out.path())
        .arg(source)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{} compiled, but must not", source.display());
    assert_eq!(error_lines(&stderr), expected, "{} failed otherwise than recorded:\n{stderr}", source.display());
}

/// The compiler's verdicts: `error[E…]: …` lines, without the summary lines.
fn error_lines(output: &str) -> Vec<String> {
    output.lines().filter(|l| l.starts_with("error[")).map(str::to_owned).collect()
}

/// `target/debug/deps`, where this test binary and the libraries it links live.
fn deps_dir() -> PathBuf {
    std::env::current_exe().unwrap().parent().unwrap().to_path_buf()
}

/// The most recently built `lib{name}-*.rlib` (a workspace keeps older builds).
fn newest_rlib(deps: &Path, name: &str) -> PathBuf {
    let prefix = format!("lib{name}-");
    std::fs::read_dir(deps)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let file = p.file_name().unwrap().to_string_lossy();
            file.starts_with(&prefix) && file.ends_with(".rlib")
        })
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).unwrap())
        .unwrap_or_else(|| panic!("no {prefix}*.rlib in {}", deps.display()))
}
