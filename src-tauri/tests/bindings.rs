//! The TypeScript side of the window boundary is generated here: the types of everything that
//! crosses it (ui/src/lib/backend/types, from the Rust types by ts-rs) and one typed function per
//! command (ui/src/lib/backend/commands.gen.ts, from the command table), and the window's one
//! capability (src-tauri/capabilities/main.json, from the same table). By default each test
//! fails when the committed files differ from what would be generated, so `cargo test` (and with
//! it scripts/test.sh and scripts/test-desktop.sh) fails on a stale file; with KASANE_WRITE_TYPES=1
//! they rewrite the files instead.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

use kasane_desktop::{
    error,
    ipc::{CommandSpec, TABLE},
};
use ts_rs::{Config, TS};

/// Every type that crosses the boundary: those of the command table (arguments, progress and
/// answers, with all they use) and the error any command may answer with.
fn export_all(dir: &Path) {
    let cfg = Config::new().with_out_dir(dir);
    for c in TABLE {
        (c.export_types)(&cfg).unwrap_or_else(|e| panic!("exporting the types of {}: {e}", c.name));
    }
    error::CommandError::export_all(&cfg).unwrap_or_else(|e| panic!("exporting CommandError: {e}"));
}

fn ts_files(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "ts") {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                out.insert(name, fs::read_to_string(&p).unwrap_or_default());
            }
        }
    }
    out
}

#[test]
fn generated_typescript_types_match_the_rust_types() {
    let committed: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "ui", "src", "lib", "backend", "types"]
        .iter()
        .collect();
    let fresh = tempfile::tempdir().expect("a temporary folder for the generated types");
    export_all(fresh.path());
    let generated = ts_files(fresh.path());
    assert!(
        generated.len() > 20,
        "every boundary type should have been generated, got {}",
        generated.len()
    );
    if std::env::var_os("KASANE_WRITE_TYPES").is_some() {
        fs::create_dir_all(&committed).expect("create ui/src/lib/backend/types");
        for old in ts_files(&committed).keys() {
            fs::remove_file(committed.join(old)).expect("remove a stale generated file");
        }
        for (name, text) in &generated {
            fs::write(committed.join(name), text).expect("write a generated type");
        }
        return;
    }
    let current = ts_files(&committed);
    let stale: Vec<&String> = generated
        .keys()
        .chain(current.keys())
        .filter(|name| generated.get(*name) != current.get(*name))
        .collect();
    assert!(
        stale.is_empty(),
        "ui/src/lib/backend/types is out of date with the Rust types ({stale:?}); regenerate with \
         KASANE_WRITE_TYPES=1 cargo test -p kasane-desktop --test bindings"
    );
}

fn backend_dir() -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "..", "ui", "src", "lib", "backend"]
        .iter()
        .collect()
}

/// Names JavaScript reserves, which a parameter cannot take (the table's `case`, for one).
const RESERVED: &str = "await break case catch class const continue debugger default delete do else enum export \
    extends false finally for function if implements import in instanceof interface let new null package private \
    protected public return static super switch this throw true try typeof var void while with yield";

/// snake_case to camelCase, as Tauri names a command's arguments on the JavaScript side.
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn parameter(name: &str) -> String {
    let name = camel(name);
    if RESERVED.split_whitespace().any(|w| w == name) {
        format!("{name}_")
    } else {
        name
    }
}

/// The TypeScript of a Rust type as the table writes it (`stringify!` spacing), collecting the
/// named types to import. Named types are the ts-rs types of the same name; the rest follow
/// ts-rs's own mapping (64-bit integers would be `bigint`, so they are refused rather than guessed).
fn typescript(rust: &str, named: &mut BTreeSet<String>) -> String {
    let t: String = rust.chars().filter(|c| !c.is_whitespace()).collect();
    let inner = |prefix: &str| t.strip_prefix(prefix).and_then(|r| r.strip_suffix('>'));
    if let Some(item) = inner("Vec<") {
        let item = typescript(item, named);
        return if item.contains(' ') {
            format!("({item})[]")
        } else {
            format!("{item}[]")
        };
    }
    if let Some(item) = inner("Option<") {
        return format!("{} | null", typescript(item, named));
    }
    match t.as_str() {
        "()" => "void".into(),
        "String" | "&str" => "string".into(),
        "bool" => "boolean".into(),
        "u8" | "u16" | "u32" | "i8" | "i16" | "i32" | "f32" | "f64" => "number".into(),
        _ => {
            let name = t.rsplit("::").next().unwrap_or_default().to_string();
            assert!(
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "the command table uses a type the TypeScript generator does not know: {rust}"
            );
            assert!(
                name.starts_with(|c: char| c.is_ascii_uppercase()),
                "the command table uses a type the TypeScript generator does not map: {rust}"
            );
            named.insert(name.clone());
            name
        }
    }
}

fn command_function(c: &CommandSpec, named: &mut BTreeSet<String>) -> String {
    let mut parameters: Vec<String> = c
        .arguments
        .iter()
        .map(|(name, ty)| format!("{}: {}", parameter(name), typescript(ty, named)))
        .collect();
    let mut sent: Vec<String> = c
        .arguments
        .iter()
        .map(|(name, _)| {
            let (key, value) = (camel(name), parameter(name));
            if key == value { key } else { format!("{key}: {value}") }
        })
        .collect();
    if let Some((name, payload)) = c.progress {
        parameters.push(format!("onProgress: (p: {}) => void", typescript(payload, named)));
        sent.push(format!("{}: channel(onProgress)", camel(name)));
    }
    let returns = typescript(c.returns, named);
    let args = if sent.is_empty() {
        String::new()
    } else {
        format!(", {{ {} }}", sent.join(", "))
    };
    format!(
        "export async function {}({}): Promise<{returns}> {{\n  return call<{returns}>(\"{}\"{args});\n}}\n",
        camel(c.name),
        parameters.join(", "),
        c.name,
    )
}

fn commands_module() -> String {
    let mut named = BTreeSet::new();
    let functions: Vec<String> = TABLE.iter().map(|c| command_function(c, &mut named)).collect();
    let mut out = String::from(
        "// Generated from the command table (src-tauri/src/commands.rs) by src-tauri/tests/bindings.rs: do not\n\
         // edit. Regenerate with KASANE_WRITE_TYPES=1 cargo test -p kasane-desktop --test bindings.\n\
         // One function per command; each rejects with a CommandError.\n",
    );
    if TABLE.iter().any(|c| c.progress.is_some()) {
        out.push_str("import { call, channel } from \"./call\";\n");
    } else {
        out.push_str("import { call } from \"./call\";\n");
    }
    for name in &named {
        out.push_str(&format!("import type {{ {name} }} from \"./types/{name}\";\n"));
    }
    for f in functions {
        out.push('\n');
        out.push_str(&f);
    }
    out
}

#[test]
fn generated_command_functions_match_the_command_table() {
    let path = backend_dir().join("commands.gen.ts");
    let generated = commands_module();
    // Every named type must be one ts-rs writes, or the import would point nowhere.
    let fresh = tempfile::tempdir().expect("a temporary folder for the generated types");
    export_all(fresh.path());
    let types = ts_files(fresh.path());
    let mut named = BTreeSet::new();
    for c in TABLE {
        command_function(c, &mut named);
    }
    let missing: Vec<&String> = named
        .iter()
        .filter(|n| !types.contains_key(&format!("{n}.ts")))
        .collect();
    assert!(
        missing.is_empty(),
        "command types ts-rs writes under another name, or not at all: {missing:?}"
    );
    write_or_compare(&path, &generated, "ui/src/lib/backend/commands.gen.ts");
}

/// With KASANE_WRITE_TYPES set, writes a file generated from the command table; otherwise fails
/// when the committed file differs from it.
fn write_or_compare(path: &Path, generated: &str, name: &str) {
    if std::env::var_os("KASANE_WRITE_TYPES").is_some() {
        fs::write(path, generated).unwrap_or_else(|e| panic!("write {name}: {e}"));
        return;
    }
    let current = fs::read_to_string(path).unwrap_or_default();
    assert!(
        current == generated,
        "{name} is out of date with the command table (src-tauri/src/commands.rs); regenerate with \
         KASANE_WRITE_TYPES=1 cargo test -p kasane-desktop --test bindings"
    );
}

/// The one capability of the window: every command of the table, and the three permissions of
/// the platform the page needs (the folder and file chooser, hearing the webview's drag-drop
/// event). Written from the table like the TypeScript, so a new command needs no second list.
fn capability() -> String {
    let mut permissions: Vec<String> = TABLE
        .iter()
        .map(|c| format!("allow-{}", c.name.replace('_', "-")))
        .collect();
    permissions.extend(
        [
            "core:event:allow-listen",
            "core:event:allow-unlisten",
            "dialog:allow-open",
        ]
        .map(String::from),
    );
    let capability = serde_json::json!({
        "identifier": "main",
        "description": "The one window of Kasane: the app's own commands and the folder chooser, nothing else. \
                        Generated from the command table (src-tauri/src/commands.rs) by src-tauri/tests/bindings.rs.",
        "windows": ["main"],
        "permissions": permissions,
    });
    let mut text = serde_json::to_string_pretty(&capability).expect("the capability is JSON");
    text.push('\n');
    text
}

#[test]
fn the_capability_allows_exactly_the_command_table() {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "capabilities", "main.json"]
        .iter()
        .collect();
    write_or_compare(&path, &capability(), "src-tauri/capabilities/main.json");
}
