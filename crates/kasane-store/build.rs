//! Embeds the SQL files of migrations/ into the engine, in file-name order, so a vault can be
//! upgraded by any build without the source tree.
//! The SQL files stay at the top of the repository (migrations/), where the upgrade tests and
//! the vault format's readers look for them.
use std::{env, fs, path::Path};

fn main() {
    let dir =
        Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("../../migrations");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("migrations/ exists at the top of the repository")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    let mut out = String::from("pub const MIGRATIONS: &[(u32, &str, &str)] = &[\n");
    for (i, path) in files.iter().enumerate() {
        let name = path.file_name().and_then(|n| n.to_str()).expect("utf-8 file name");
        let number: u32 = name
            .split('_')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("migration files are named NNNN_name.sql");
        assert_eq!(
            number as usize,
            i + 1,
            "migrations are numbered 0001, 0002, … without gaps"
        );
        let abs = fs::canonicalize(path).expect("migration path");
        out.push_str(&format!(
            "    ({number}, {name:?}, include_str!({:?})),\n",
            abs.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("migrations.rs");
    fs::write(dest, out).expect("write migrations.rs");
}
