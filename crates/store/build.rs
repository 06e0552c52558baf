//! Embeds the schema migrations (`migrations/{sqlite,postgres}/*.sql`) in the
//! library, as `sqlx::migrate!` would, without sqlx's macro crate: that one
//! compiles both database drivers a second time for the compiler's host.
//! Names and contents are read as sqlx reads them: `{version}_{description}.sql`,
//! underscores in the description read as spaces.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=migrations");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut code = String::new();
    for (constant, dir) in [("SQLITE", "sqlite"), ("POSTGRES", "postgres")] {
        let mut files: Vec<(i64, String, String)> = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("migrations/{dir}: {e}"))
            .map(|entry| entry.expect("a readable migrations directory").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
            .map(|path| {
                let name = path.file_stem().and_then(|s| s.to_str()).expect("a UTF-8 migration name").to_owned();
                let (version, description) = name.split_once('_').unwrap_or_else(|| panic!("{name}: no `_`"));
                let version = version.parse().unwrap_or_else(|_| panic!("{name}: no version number"));
                (version, description.replace('_', " "), path.display().to_string())
            })
            .collect();
        files.sort();
        writeln!(code, "pub(crate) const {constant}: &[(i64, &str, &str)] = &[").unwrap();
        for (version, description, path) in files {
            writeln!(code, "    ({version}, {description:?}, include_str!({path:?})),").unwrap();
        }
        writeln!(code, "];").unwrap();
    }
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("migrations.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
