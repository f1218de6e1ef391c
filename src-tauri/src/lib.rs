//! Kasane desktop: the Tauri window over the `kasane` engine. Commands are thin — deserialise,
//! call the engine, map its error — and every rule lives in the engine. At most one vault is
//! unlocked at a time (see `desktop`); locking drops it. The window talks to nothing but these
//! commands and the folder chooser: no network, no shell, no file-system plugin.
#![forbid(unsafe_code)]

pub mod archive;
pub mod audit;
pub mod backup;
pub mod case;
pub mod desktop;
pub mod error;
pub mod exchange;
pub mod household;
pub mod ipc;
pub mod meeting;
pub mod pdf;
pub mod plan;
pub mod progress;
pub mod reference;
pub mod request;
pub mod retention;
pub mod roster;
pub mod search;
pub mod statistics;
pub mod vault;
pub mod view;

pub use ipc::COMMANDS;

use std::path::PathBuf;

use tauri::Manager;

pub use desktop::Desktop;

/// Starts the app. `context` comes from `tauri::generate_context!()` in the binary, which embeds
/// the built UI; the library itself does not need it, so its tests build without the UI.
pub fn run(context: tauri::Context<tauri::Wry>) -> Result<(), tauri::Error> {
    let env_vault = std::env::var_os("KASANE_VAULT")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(Desktop::new(env_vault))
        .setup(|app| {
            app.state::<Desktop>().attach(pdf::Layout::new(app.handle().clone()));
            Ok(())
        })
        .invoke_handler(ipc::handler())
        .run(context)
}
