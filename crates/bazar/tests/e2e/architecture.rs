//! The shape of the code, checked like its behaviour: the crates keep to
//! their layers (a crate depends only on crates below it, the two interfaces
//! not on each other, production code never on the test doubles), and no
//! crate's top-level modules import each other in a circle — so each module
//! can be read and tested with what it imports, and nothing leads back.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each workspace crate's layer (ARCHITECTURE.md's diagram, bottom up).
const LAYERS: &[(&str, u8)] = &[
    ("domain", 0),
    ("outbound", 0),
    ("secrets", 0),
    ("store", 1),
    ("telegram", 1),
    ("panels", 1),
    ("zarinpal", 1),
    ("shop", 2),
    ("runtime", 2),
    ("bot", 3),
    ("http", 3),
    ("bazar", 4),
    // Dev-only and tools: above everything they use, below nothing.
    ("testkit", 1),
    ("loadtest", 5),
];

/// What only tests and tools may depend on.
const DEV_ONLY: &[&str] = &["testkit"];
const TOOLS: &[&str] = &["loadtest"];

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("crates/").to_path_buf()
}

fn layer(name: &str) -> u8 {
    LAYERS.iter().find(|(n, _)| *n == name).map(|(_, l)| *l).unwrap_or_else(|| panic!("crate {name} has no layer"))
}

/// The workspace crates a crate's `[dependencies]` name (not dev-dependencies).
fn internal_dependencies(manifest: &str) -> Vec<String> {
    let mut section = "";
    let mut out = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
            continue;
        }
        if section == "[dependencies]"
            && let Some(name) = line.split(['=', ' ', '.']).next().and_then(|n| n.strip_prefix("bazar-"))
        {
            out.push(name.to_owned());
        }
    }
    out
}

#[test]
fn crates_keep_to_their_layers() {
    let mut seen = BTreeSet::new();
    for entry in std::fs::read_dir(crates_dir()).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(manifest) = std::fs::read_to_string(dir.join("Cargo.toml")) else { continue };
        seen.insert(name.clone());
        for dependency in internal_dependencies(&manifest) {
            let (from, to) = (layer(&name), layer(&dependency));
            assert!(to < from, "crate {name} (layer {from}) depends on {dependency} (layer {to}): only lower layers");
            assert!(
                !DEV_ONLY.contains(&dependency.as_str()) || TOOLS.contains(&name.as_str()),
                "production crate {name} depends on the dev-only {dependency}"
            );
        }
    }
    let listed: BTreeSet<String> = LAYERS.iter().map(|(n, _)| (*n).to_owned()).collect();
    assert_eq!(seen, listed, "every crate has a layer, and every layer entry a crate");
    // The two interfaces are side by side, not stacked.
    assert_eq!(layer("bot"), layer("http"));
}

/// A crate's top-level modules (`src/x.rs`, `src/x/…`) with their files and
/// each file's depth below the crate root (`src/x.rs` and `src/x/mod.rs`: 1).
fn top_modules(src: &Path) -> BTreeMap<String, Vec<(PathBuf, usize)>> {
    fn walk(dir: &Path, depth: usize, out: &mut Vec<(PathBuf, usize)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, depth + 1, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let mod_rs = path.file_name().is_some_and(|n| n == "mod.rs");
                out.push((path, if mod_rs { depth } else { depth + 1 }));
            }
        }
    }
    let mut modules: BTreeMap<String, Vec<(PathBuf, usize)>> = BTreeMap::new();
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            let files = modules.entry(stem).or_default();
            walk(&path, 1, files);
        } else if path.extension().is_some_and(|e| e == "rs") && stem != "lib" && stem != "main" {
            modules.entry(stem).or_default().push((path, 1));
        }
    }
    modules
}

/// The top-level modules a line of code names: `crate::x`, `crate::{x, y::z}`,
/// and `super::x` where the `super`s climb to the crate root.
fn named_modules(line: &str, depth: usize) -> Vec<String> {
    let ident = |s: &str| s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>();
    let mut names = Vec::new();
    for (at, _) in line.match_indices("crate::") {
        let rest = &line[at + "crate::".len()..];
        match rest.strip_prefix('{') {
            Some(group) => {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                names.extend(group.split(',').map(|part| ident(part.trim())));
            }
            None => names.push(ident(rest)),
        }
    }
    let mut rest = line;
    while let Some(at) = rest.find("super::") {
        let mut tail = &rest[at..];
        let mut supers = 0;
        while let Some(after) = tail.strip_prefix("super::") {
            supers += 1;
            tail = after;
        }
        if supers >= depth {
            names.push(ident(tail));
        }
        rest = tail;
    }
    names
}

/// Groups of modules that import each other in a circle (Tarjan's strongly
/// connected components of more than one module).
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(w: &mut Walk<'a>, v: &'a str) {
        let n = w.index.len();
        w.index.insert(v, n);
        w.low.insert(v, n);
        w.stack.push(v);
        for next in &w.graph[v] {
            let next = next.as_str();
            if !w.index.contains_key(next) {
                visit(w, next);
                let low = w.low[v].min(w.low[next]);
                w.low.insert(v, low);
            } else if w.stack.contains(&next) {
                let low = w.low[v].min(w.index[next]);
                w.low.insert(v, low);
            }
        }
        if w.low[v] == w.index[v] {
            let mut group = Vec::new();
            while let Some(top) = w.stack.pop() {
                group.push(top.to_owned());
                if top == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                w.found.push(group);
            }
        }
    }
    let mut walk = Walk { graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), found: Vec::new() };
    for v in graph.keys() {
        if !walk.index.contains_key(v.as_str()) {
            visit(&mut walk, v);
        }
    }
    walk.found
}

fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let modules = top_modules(src);
    let mut graph: BTreeMap<String, BTreeSet<String>> = modules.keys().map(|m| (m.clone(), BTreeSet::new())).collect();
    for (module, files) in &modules {
        for (file, depth) in files {
            let text = std::fs::read_to_string(file).unwrap();
            for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for named in named_modules(line, *depth) {
                    if named != *module && modules.contains_key(&named) {
                        graph.get_mut(module).unwrap().insert(named);
                    }
                }
            }
        }
    }
    graph
}

#[test]
fn no_crate_has_module_circles() {
    for entry in std::fs::read_dir(crates_dir()).unwrap() {
        let src = entry.unwrap().path().join("src");
        if src.is_dir() {
            let found = circles(&module_graph(&src));
            assert!(found.is_empty(), "{}: modules in a circle: {found:?}", src.display());
        }
    }
}

#[test]
fn the_circle_finder_finds_circles() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry((*a).into()).or_default().insert((*b).into());
            g.entry((*b).into()).or_default();
        }
        g
    };
    let circle = graph(&[("handler", "admin"), ("admin", "context"), ("admin", "handler"), ("jobs", "context")]);
    assert_eq!(circles(&circle), vec![vec!["admin".to_owned(), "handler".to_owned()]]);
    assert!(circles(&graph(&[("handler", "admin"), ("admin", "context")])).is_empty());
    assert_eq!(named_modules("use crate::{callback::Action, menu};", 1), ["callback", "menu"]);
    assert_eq!(named_modules("use super::manage::op;", 2), Vec::<String>::new(), "inside its own module");
    assert_eq!(named_modules("use super::super::jobs;", 2), ["jobs"]);
    assert_eq!(named_modules("use super::jobs;", 1), ["jobs"]);
}
