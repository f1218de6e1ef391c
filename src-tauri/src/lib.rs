//! Kasane desktop: the Tauri window over the `kasane` engine. Commands are thin — deserialise,
//! call the engine, map its error — and every rule lives in the engine. At most one vault is
//! unlocked at a time (see `desktop`); locking drops it. The window talks to nothing but these
//! commands and the folder chooser: no network, no shell, no file-system plugin.
#![forbid(unsafe_code)]

pub mod case;
pub mod desktop;
pub mod error;
// --- exchange ---
pub mod exchange;
// --- end exchange ---
pub mod household;
pub mod ipc;
pub mod progress;
pub mod reference;
pub mod search;
pub mod vault;
pub mod view;
// --- meetings ---
pub mod meeting;
pub mod plan;
// --- end meetings ---

include!("command_names.rs");

use std::path::PathBuf;

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
        .invoke_handler(tauri::generate_handler![
            ipc::app_start,
            ipc::vault_inspect,
            ipc::vault_create,
            ipc::vault_unlock,
            ipc::vault_recover,
            ipc::vault_lock,
            ipc::vault_workers,
            ipc::session,
            ipc::worker_add,
            ipc::passphrase_change,
            ipc::reference_data,
            ipc::directory,
            ipc::date_check,
            ipc::home,
            ipc::households,
            ipc::household_detail,
            ipc::household_add,
            ipc::household_update,
            ipc::person_add,
            ipc::person_update,
            ipc::relation_add,
            ipc::case_detail,
            ipc::case_open,
            ipc::case_update,
            ipc::note_add,
            ipc::note_edit,
            ipc::note_retract,
            ipc::consent_add,
            ipc::consent_withdraw,
            ipc::search,
            // --- exchange ---
            ipc::exchange_overview,
            ipc::card_export,
            ipc::card_import,
            ipc::card_verify,
            ipc::site_revoke,
            ipc::bundle_preview,
            ipc::bundle_export,
            ipc::bundle_inspect,
            ipc::bundle_import,
            ipc::inbox,
            ipc::inbox_process,
            ipc::quarantine,
            ipc::quarantine_retry,
            ipc::conflicts,
            ipc::conflict_resolve,
            ipc::home_panels,
            // --- end exchange ---
            // --- meetings ---
            ipc::plan_reference,
            ipc::case_shares,
            ipc::case_share,
            ipc::case_unshare,
            ipc::assessment,
            ipc::assessment_add,
            ipc::assessment_retract,
            ipc::case_plan,
            ipc::goal_add,
            ipc::action_add,
            ipc::action_update,
            ipc::referrals,
            ipc::referral_add,
            ipc::referral_update,
            ipc::resources,
            ipc::resource_add,
            ipc::case_conflicts,
            ipc::meetings,
            ipc::meeting_new,
            ipc::meeting_detail,
            ipc::meeting_proposals,
            ipc::agenda_add,
            ipc::agenda_remove,
            ipc::agenda_arrange,
            ipc::meeting_attendance,
            ipc::meeting_record_item,
            ipc::meeting_finalise,
            ipc::meeting_print,
            ipc::meeting_pack_export,
            ipc::ledger,
            // --- end meetings ---
        ])
        .run(context)
}
