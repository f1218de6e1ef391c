//! The TypeScript types of everything that crosses the window boundary are generated from the
//! Rust types here. By default this test fails when the committed files under
//! ui/src/lib/backend/types differ from what the Rust types generate; with KASANE_WRITE_TYPES=1 it
//! rewrites them (scripts/test-desktop.sh does that, then fails on `git diff`).

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
};

use kasane_desktop::{case, error, household, progress, reference, search, vault, view};
// --- exchange ---
use kasane_desktop::exchange;
// --- end exchange ---
// --- meetings ---
use kasane_desktop::{meeting, plan};
// --- end meetings ---
use ts_rs::{Config, TS};

fn export_all(dir: &Path) {
    let cfg = Config::new().with_out_dir(dir);
    macro_rules! export {
        ($($t:ty),+ $(,)?) => {
            $(<$t as TS>::export_all(&cfg).unwrap_or_else(|e| panic!("exporting {}: {e}", stringify!($t)));)+
        };
    }
    export!(
        error::CommandError,
        progress::Progress,
        vault::StartInfo,
        vault::VaultFolder,
        vault::NewVaultInput,
        vault::CreatedVault,
        vault::UnlockInput,
        vault::RecoverInput,
        vault::NewWorkerInput,
        vault::PassphraseChangeInput,
        vault::Session,
        vault::WorkerSlotView,
        reference::Reference,
        reference::Directory,
        view::DateView,
        case::HomeView,
        case::CaseDetailView,
        case::NewCaseInput,
        case::CaseUpdateInput,
        case::NewNoteInput,
        case::NewConsentInput,
        household::HouseholdFilterInput,
        household::HouseholdRow,
        household::HouseholdDetailView,
        household::NewHouseholdInput,
        household::HouseholdUpdateInput,
        household::NewPersonInput,
        household::PersonUpdateInput,
        household::NewRelationInput,
        search::HitView,
        // --- exchange ---
        exchange::ExchangeView,
        exchange::SiteView,
        exchange::ExportPreviewView,
        exchange::BundleProgress,
        exchange::BundleExportInput,
        exchange::ExportReportView,
        exchange::BundlePreviewView,
        exchange::ImportSummaryView,
        exchange::InboxEntryView,
        exchange::InboxResult,
        exchange::QuarantineView,
        exchange::ConflictView,
        exchange::ConflictResolveInput,
        exchange::HomePanelsView,
        // --- end exchange ---
        // --- meetings ---
        plan::PlanReference,
        plan::ShareView,
        plan::AssessmentDomainView,
        plan::NewAssessmentInput,
        plan::PlanView,
        plan::NewActionInput,
        plan::ActionUpdateInput,
        plan::ReferralView,
        plan::NewReferralInput,
        plan::ResourceView,
        plan::NewResourceInput,
        plan::CaseConflictView,
        meeting::MeetingView,
        meeting::MeetingDetailView,
        meeting::ProposalView,
        meeting::NewMeetingInput,
        meeting::ItemRecordInput,
        meeting::PrintDocument,
        meeting::PackResultView,
        meeting::LedgerRowView,
        meeting::LedgerFilterInput,
        view::ReferralStatus,
        // --- end meetings ---
    );
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
