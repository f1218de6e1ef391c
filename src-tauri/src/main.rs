//! The Kasane window binary: embeds the built UI (ui/dist) and starts the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(e) = kasane_desktop::run(tauri::generate_context!()) {
        eprintln!("Kasane could not start: {e}");
        std::process::exit(1);
    }
}
