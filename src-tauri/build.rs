//! Builds the Tauri context and puts every command of the app in its manifest, so the ACL checks
//! each call against the one capability (capabilities/main.json) instead of letting unlisted
//! commands through. The names come from the command table (src/commands.rs), which also makes the
//! commands themselves, so the manifest cannot miss one.

/// Only the names of the table count here; the types are parsed, never resolved.
macro_rules! commands {
    ($($name:ident ($($params:tt)*) -> $ret:ty = $module:ident :: $func:ident $(, $how:ident)?;)*) => {
        const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}

include!("src/commands.rs");

fn main() {
    println!("cargo:rerun-if-changed=src/commands.rs");
    println!("cargo:rerun-if-changed=capabilities");
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        eprintln!("tauri build step failed: {e:#}");
        std::process::exit(1);
    }
}
