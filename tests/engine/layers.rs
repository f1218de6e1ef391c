//! The layering, read from the source: which top-level modules of each library crate name which
//! others (`crate::x` in imports and paths, test modules left out), and which packages each
//! crate may depend on. Any import cycle between the modules of one crate fails here, and so does
//! a crate that depends on a layer above it.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

use crate::support::rust_files;

/// The library crates below the command line and the window, and the packages each must not
/// depend on: the layers above it (docs/architecture.md).
const LAYERS: &[(&str, &[&str])] = &[
    (
        "crates/kasane-ja",
        &["kasane", "kasane-store", "kasane-demo", "kasane-cli", "kasane-desktop"],
    ),
    (
        "crates/kasane-store",
        &[
            "kasane",
            "kasane-demo",
            "kasane-cli",
            "kasane-desktop",
            "clap",
            "rpassword",
            "tauri",
        ],
    ),
    (
        ".",
        &[
            "kasane-demo",
            "kasane-cli",
            "kasane-desktop",
            "clap",
            "rpassword",
            "tauri",
        ],
    ),
    (
        "crates/kasane-demo",
        &["kasane-cli", "kasane-desktop", "clap", "rpassword", "tauri"],
    ),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The source of a file without its unit tests: a `tests.rs` file is all test code, and an
/// inline `#[cfg(test)] mod tests` runs to the end of its file by this project's convention.
fn without_tests(path: &Path) -> String {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return String::new();
    }
    let text = std::fs::read_to_string(path).expect("a source file is readable");
    match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// The first path segment of every `crate::` reference, including each top-level name of a
/// grouped import `crate::{a, b::{c, d}}`.
fn crate_names(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `kasane_crate::` or the like, not this crate
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 || (depth == 1 && c == ',') {
                    out.insert(first_segment(&item));
                    item.clear();
                    if depth == 0 {
                        break;
                    }
                } else {
                    item.push(c);
                }
            }
        } else {
            out.insert(first_segment(rest));
        }
    }
    out
}

fn first_segment(path: &str) -> String {
    path.trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

fn module_graph(krate: &str) -> BTreeMap<String, BTreeSet<String>> {
    let src = root().join(krate).join("src");
    let mut modules = BTreeMap::new();
    for entry in std::fs::read_dir(&src).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if name == "lib" {
            continue;
        }
        let mut files = Vec::new();
        if path.is_dir() {
            rust_files(&path, &mut files);
        } else {
            files.push(path.clone());
        }
        modules.insert(name, files);
    }
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    let exported = root_exports(&std::fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs is readable"));
    modules
        .into_iter()
        .map(|(name, files)| {
            let used = files
                .iter()
                .flat_map(|f| crate_names(&without_tests(f)))
                .map(|n| exported.get(&n).cloned().unwrap_or(n))
                .filter(|n| names.contains(n) && *n != name)
                .collect();
            (name, used)
        })
        .collect()
}

/// What lib.rs re-exports at the crate root, by the module it comes from: `crate::Error` names
/// the `error` module as surely as `crate::error::Error` does.
fn root_exports(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for statement in lib.split(';') {
        let Some(path) = statement.trim_start().strip_prefix("pub use ") else {
            continue;
        };
        let module = first_segment(path);
        let words: Vec<&str> = path
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        for w in words.iter().skip(1) {
            if *w != "as" && *w != "self" {
                out.insert(w.to_string(), module.clone());
            }
        }
    }
    out
}

/// Strongly connected components with more than one module (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        found: Vec<BTreeSet<String>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, v: &'g str) {
            let i = self.index.len();
            self.index.insert(v, i);
            self.low.insert(v, i);
            self.stack.push(v);
            for w in &self.graph[v] {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low[v].min(lw);
                    self.low.insert(v, lv);
                } else if self.stack.contains(&w) {
                    let lv = self.low[v].min(self.index[w]);
                    self.low.insert(v, lv);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = BTreeSet::new();
                while let Some(w) = self.stack.pop() {
                    component.insert(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !walk.index.contains_key(v.as_str()) {
            walk.visit(v);
        }
    }
    walk.found
}

#[test]
fn the_reader_of_imports_sees_grouped_and_plain_paths() {
    let exports = root_exports("pub use e::{F, g as G};\npub use h::I;");
    assert_eq!(
        exports,
        BTreeMap::from([
            ("F".to_string(), "e".to_string()),
            ("G".to_string(), "e".to_string()),
            ("I".to_string(), "h".to_string()),
            ("g".to_string(), "e".to_string()),
        ]),
        "a name re-exported at the root, under its own name or another, leads to its module"
    );
    let text = "use crate::{a, b::{c, d}, e::f};\nfn x() { crate::g::h(); kasane_crate::z(); }";
    let names: Vec<_> = crate_names(text).into_iter().collect();
    assert_eq!(
        names,
        ["a", "b", "e", "g"],
        "every top-level name of a grouped import counts, and another crate's path does not"
    );
    let graph = BTreeMap::from([
        ("p".to_string(), BTreeSet::from(["q".to_string()])),
        ("q".to_string(), BTreeSet::from(["r".to_string()])),
        ("r".to_string(), BTreeSet::from(["p".to_string()])),
        ("s".to_string(), BTreeSet::from(["p".to_string()])),
    ]);
    assert_eq!(
        cycles(&graph),
        [BTreeSet::from(["p".to_string(), "q".to_string(), "r".to_string()])],
        "p→q→r→p is one cycle and s, which only points into it, is not part of it"
    );
}

#[test]
fn no_library_crate_has_an_import_cycle() {
    for (krate, _) in LAYERS {
        let graph = module_graph(krate);
        assert!(graph.len() > 2, "the source of {krate} was found: {graph:?}");
        assert_eq!(
            cycles(&graph),
            Vec::<BTreeSet<String>>::new(),
            "modules of {} import each other in a cycle; a lower module must not name a higher one \
             (docs/architecture.md). Graph: {graph:#?}",
            if *krate == "." { "the engine (src/)" } else { krate }
        );
    }
}

#[test]
fn no_crate_depends_on_a_layer_above_it() {
    for (krate, above) in LAYERS {
        let manifest = std::fs::read_to_string(root().join(krate).join("Cargo.toml"))
            .unwrap_or_else(|e| panic!("{krate}/Cargo.toml is readable: {e}"));
        let deps = manifest
            .split("\n[dependencies]\n")
            .nth(1)
            .and_then(|rest| rest.split("\n[").next())
            .unwrap_or_else(|| panic!("{krate}/Cargo.toml has a [dependencies] table"));
        for line in deps.lines() {
            let name = line.split(['=', ' ']).next().unwrap_or_default();
            assert!(
                !above.contains(&name),
                "{krate} depends on {name}, which belongs to a layer above it (docs/architecture.md)"
            );
        }
    }
}
