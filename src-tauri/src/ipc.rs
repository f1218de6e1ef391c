//! The Tauri commands: each deserialises its arguments, runs the plain command function of the
//! same name on a blocking worker thread (engine calls touch the disk and may run the KDF, and the
//! window must never freeze), and returns its result or `CommandError`. Nothing else happens here.

use tauri::{State, ipc::Channel};

use crate::{
    case::{self, CaseDetailView, CaseUpdateInput, HomeView, NewCaseInput, NewConsentInput, NewNoteInput},
    desktop::Desktop,
    error::CommandError,
    household::{
        self, HouseholdDetailView, HouseholdFilterInput, HouseholdRow, HouseholdUpdateInput, NewHouseholdInput,
        NewPersonInput, NewRelationInput, PersonUpdateInput,
    },
    progress::Progress,
    reference::{self, Directory, Reference},
    search::{self, HitView},
    vault::{
        self, CreatedVault, NewVaultInput, NewWorkerInput, PassphraseChangeInput, RecoverInput, Session, StartInfo,
        UnlockInput, VaultFolder, WorkerSlotView,
    },
    view::DateView,
};
// --- meetings ---
use crate::{
    meeting::{
        self, ItemRecordInput, LedgerFilterInput, LedgerRowView, MeetingDetailView, MeetingView, NewMeetingInput,
        PackResultView, PrintDocument, ProposalView,
    },
    plan::{
        self, ActionUpdateInput, AssessmentDomainView, CaseConflictView, NewActionInput, NewAssessmentInput,
        NewReferralInput, NewResourceInput, PlanReference, PlanView, ReferralView, ResourceView, ShareView,
    },
    view::ReferralStatus,
};
// --- end meetings ---

type Answer<T> = Result<T, CommandError>;

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Answer<T> + Send + 'static) -> Answer<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| CommandError::task(e.to_string()))?
}

fn desk(state: &State<'_, Desktop>) -> Desktop {
    state.inner().clone()
}

/// A progress sink that forwards to the window; a closed channel (window reloaded) is ignored.
fn reporter(channel: Channel<Progress>) -> impl Fn(Progress) + Send {
    move |p| {
        let _ = channel.send(p);
    }
}

#[tauri::command]
pub async fn app_start(state: State<'_, Desktop>) -> Answer<StartInfo> {
    let d = desk(&state);
    blocking(move || vault::app_start(&d)).await
}

#[tauri::command]
pub async fn vault_inspect(path: String) -> Answer<VaultFolder> {
    blocking(move || vault::vault_inspect(path)).await
}

#[tauri::command]
pub async fn vault_create(
    state: State<'_, Desktop>,
    input: NewVaultInput,
    progress: Channel<Progress>,
) -> Answer<CreatedVault> {
    let d = desk(&state);
    blocking(move || vault::vault_create(&d, input, &reporter(progress))).await
}

#[tauri::command]
pub async fn vault_unlock(
    state: State<'_, Desktop>,
    input: UnlockInput,
    progress: Channel<Progress>,
) -> Answer<Session> {
    let d = desk(&state);
    blocking(move || vault::vault_unlock(&d, input, &reporter(progress))).await
}

#[tauri::command]
pub async fn vault_recover(
    state: State<'_, Desktop>,
    input: RecoverInput,
    progress: Channel<Progress>,
) -> Answer<Session> {
    let d = desk(&state);
    blocking(move || vault::vault_recover(&d, input, &reporter(progress))).await
}

#[tauri::command]
pub async fn vault_lock(state: State<'_, Desktop>) -> Answer<bool> {
    let d = desk(&state);
    blocking(move || Ok(vault::vault_lock(&d))).await
}

#[tauri::command]
pub async fn vault_workers(state: State<'_, Desktop>) -> Answer<Vec<WorkerSlotView>> {
    let d = desk(&state);
    blocking(move || vault::vault_workers(&d)).await
}

#[tauri::command]
pub async fn session(state: State<'_, Desktop>) -> Answer<Session> {
    let d = desk(&state);
    blocking(move || vault::session(&d)).await
}

#[tauri::command]
pub async fn worker_add(
    state: State<'_, Desktop>,
    input: NewWorkerInput,
    progress: Channel<Progress>,
) -> Answer<WorkerSlotView> {
    let d = desk(&state);
    blocking(move || vault::worker_add(&d, input, &reporter(progress))).await
}

#[tauri::command]
pub async fn passphrase_change(
    state: State<'_, Desktop>,
    input: PassphraseChangeInput,
    progress: Channel<Progress>,
) -> Answer<()> {
    let d = desk(&state);
    blocking(move || vault::passphrase_change(&d, input, &reporter(progress))).await
}

#[tauri::command]
pub async fn reference_data() -> Answer<Reference> {
    blocking(|| Ok(reference::reference_data())).await
}

#[tauri::command]
pub async fn directory(state: State<'_, Desktop>) -> Answer<Directory> {
    let d = desk(&state);
    blocking(move || reference::directory(&d)).await
}

#[tauri::command]
pub async fn date_check(text: String, partial: bool) -> Answer<DateView> {
    blocking(move || reference::date_check(text, partial)).await
}

#[tauri::command]
pub async fn home(state: State<'_, Desktop>) -> Answer<HomeView> {
    let d = desk(&state);
    blocking(move || case::home(&d)).await
}

#[tauri::command]
pub async fn households(state: State<'_, Desktop>, filter: HouseholdFilterInput) -> Answer<Vec<HouseholdRow>> {
    let d = desk(&state);
    blocking(move || household::households(&d, filter)).await
}

#[tauri::command]
pub async fn household_detail(state: State<'_, Desktop>, id: String) -> Answer<HouseholdDetailView> {
    let d = desk(&state);
    blocking(move || household::household_detail(&d, id)).await
}

#[tauri::command]
pub async fn household_add(state: State<'_, Desktop>, input: NewHouseholdInput) -> Answer<String> {
    let d = desk(&state);
    blocking(move || household::household_add(&d, input)).await
}

#[tauri::command]
pub async fn household_update(state: State<'_, Desktop>, id: String, input: HouseholdUpdateInput) -> Answer<()> {
    let d = desk(&state);
    blocking(move || household::household_update(&d, id, input)).await
}

#[tauri::command]
pub async fn person_add(state: State<'_, Desktop>, input: NewPersonInput) -> Answer<String> {
    let d = desk(&state);
    blocking(move || household::person_add(&d, input)).await
}

#[tauri::command]
pub async fn person_update(state: State<'_, Desktop>, id: String, input: PersonUpdateInput) -> Answer<()> {
    let d = desk(&state);
    blocking(move || household::person_update(&d, id, input)).await
}

#[tauri::command]
pub async fn relation_add(state: State<'_, Desktop>, input: NewRelationInput) -> Answer<String> {
    let d = desk(&state);
    blocking(move || household::relation_add(&d, input)).await
}

#[tauri::command]
pub async fn case_detail(state: State<'_, Desktop>, id: String) -> Answer<CaseDetailView> {
    let d = desk(&state);
    blocking(move || case::case_detail(&d, id)).await
}

#[tauri::command]
pub async fn case_open(state: State<'_, Desktop>, input: NewCaseInput) -> Answer<String> {
    let d = desk(&state);
    blocking(move || case::case_open(&d, input)).await
}

#[tauri::command]
pub async fn case_update(state: State<'_, Desktop>, id: String, input: CaseUpdateInput) -> Answer<()> {
    let d = desk(&state);
    blocking(move || case::case_update(&d, id, input)).await
}

#[tauri::command]
pub async fn note_add(state: State<'_, Desktop>, input: NewNoteInput) -> Answer<String> {
    let d = desk(&state);
    blocking(move || case::note_add(&d, input)).await
}

#[tauri::command]
pub async fn note_edit(state: State<'_, Desktop>, id: String, text: String) -> Answer<()> {
    let d = desk(&state);
    blocking(move || case::note_edit(&d, id, text)).await
}

#[tauri::command]
pub async fn note_retract(state: State<'_, Desktop>, id: String) -> Answer<()> {
    let d = desk(&state);
    blocking(move || case::note_retract(&d, id)).await
}

#[tauri::command]
pub async fn consent_add(state: State<'_, Desktop>, input: NewConsentInput) -> Answer<String> {
    let d = desk(&state);
    blocking(move || case::consent_add(&d, input)).await
}

#[tauri::command]
pub async fn consent_withdraw(state: State<'_, Desktop>, id: String, date: String) -> Answer<()> {
    let d = desk(&state);
    blocking(move || case::consent_withdraw(&d, id, date)).await
}

#[tauri::command]
pub async fn search(state: State<'_, Desktop>, query: String, submitted: bool) -> Answer<Vec<HitView>> {
    let d = desk(&state);
    blocking(move || search::search(&d, query, submitted)).await
}

// --- exchange ---

use crate::exchange::{
    self, BundleExportInput, BundlePreviewView, BundleProgress, ConflictResolveInput, ConflictView, ExchangeView,
    ExportPreviewView, ExportReportView, HomePanelsView, ImportSummaryView, InboxEntryView, InboxResult,
    QuarantineView, SiteView,
};

/// A bundle progress sink that forwards to the window; a closed channel is ignored.
fn bundle_reporter(channel: Channel<BundleProgress>) -> impl Fn(BundleProgress) + Send + Sync {
    move |p| {
        let _ = channel.send(p);
    }
}

#[tauri::command]
pub async fn exchange_overview(state: State<'_, Desktop>) -> Answer<ExchangeView> {
    let d = desk(&state);
    blocking(move || exchange::exchange_overview(&d)).await
}

#[tauri::command]
pub async fn card_export(state: State<'_, Desktop>, folder: String) -> Answer<String> {
    let d = desk(&state);
    blocking(move || exchange::card_export(&d, folder)).await
}

#[tauri::command]
pub async fn card_import(state: State<'_, Desktop>, path: String) -> Answer<SiteView> {
    let d = desk(&state);
    blocking(move || exchange::card_import(&d, path)).await
}

#[tauri::command]
pub async fn card_verify(state: State<'_, Desktop>, site: String, fingerprint: String) -> Answer<SiteView> {
    let d = desk(&state);
    blocking(move || exchange::card_verify(&d, site, fingerprint)).await
}

#[tauri::command]
pub async fn site_revoke(state: State<'_, Desktop>, site: String) -> Answer<SiteView> {
    let d = desk(&state);
    blocking(move || exchange::site_revoke(&d, site)).await
}

#[tauri::command]
pub async fn bundle_preview(state: State<'_, Desktop>, to: String, full: bool) -> Answer<ExportPreviewView> {
    let d = desk(&state);
    blocking(move || exchange::bundle_preview(&d, to, full)).await
}

#[tauri::command]
pub async fn bundle_export(
    state: State<'_, Desktop>,
    input: BundleExportInput,
    progress: Channel<BundleProgress>,
) -> Answer<ExportReportView> {
    let d = desk(&state);
    blocking(move || exchange::bundle_export(&d, input, &bundle_reporter(progress))).await
}

#[tauri::command]
pub async fn bundle_inspect(state: State<'_, Desktop>, path: String) -> Answer<BundlePreviewView> {
    let d = desk(&state);
    blocking(move || exchange::bundle_inspect(&d, path)).await
}

#[tauri::command]
pub async fn bundle_import(
    state: State<'_, Desktop>,
    path: String,
    progress: Channel<BundleProgress>,
) -> Answer<ImportSummaryView> {
    let d = desk(&state);
    blocking(move || exchange::bundle_import(&d, path, &bundle_reporter(progress))).await
}

#[tauri::command]
pub async fn inbox(state: State<'_, Desktop>) -> Answer<Vec<InboxEntryView>> {
    let d = desk(&state);
    blocking(move || exchange::inbox(&d)).await
}

#[tauri::command]
pub async fn inbox_process(state: State<'_, Desktop>) -> Answer<Vec<InboxResult>> {
    let d = desk(&state);
    blocking(move || exchange::inbox_process(&d)).await
}

#[tauri::command]
pub async fn quarantine(state: State<'_, Desktop>) -> Answer<Vec<QuarantineView>> {
    let d = desk(&state);
    blocking(move || exchange::quarantine(&d)).await
}

#[tauri::command]
pub async fn quarantine_retry(state: State<'_, Desktop>) -> Answer<u32> {
    let d = desk(&state);
    blocking(move || exchange::quarantine_retry(&d)).await
}

#[tauri::command]
pub async fn conflicts(state: State<'_, Desktop>) -> Answer<Vec<ConflictView>> {
    let d = desk(&state);
    blocking(move || exchange::conflicts(&d)).await
}

#[tauri::command]
pub async fn conflict_resolve(state: State<'_, Desktop>, input: ConflictResolveInput) -> Answer<()> {
    let d = desk(&state);
    blocking(move || exchange::conflict_resolve(&d, input)).await
}

#[tauri::command]
pub async fn home_panels(state: State<'_, Desktop>) -> Answer<HomePanelsView> {
    let d = desk(&state);
    blocking(move || exchange::home_panels(&d)).await
}

// --- end exchange ---
// --- meetings ---
#[tauri::command]
pub async fn plan_reference() -> Answer<PlanReference> {
    blocking(|| Ok(plan::plan_reference())).await
}

#[tauri::command]
pub async fn case_shares(state: State<'_, Desktop>, case: String) -> Answer<Vec<ShareView>> {
    let d = desk(&state);
    blocking(move || plan::case_shares(&d, case)).await
}

#[tauri::command]
pub async fn case_share(state: State<'_, Desktop>, case: String, agency: String, basis: String) -> Answer<()> {
    let d = desk(&state);
    blocking(move || plan::case_share(&d, case, agency, basis)).await
}

#[tauri::command]
pub async fn case_unshare(state: State<'_, Desktop>, case: String, agency: String, reason: String) -> Answer<()> {
    let d = desk(&state);
    blocking(move || plan::case_unshare(&d, case, agency, reason)).await
}

#[tauri::command]
pub async fn assessment(state: State<'_, Desktop>, case: String) -> Answer<Vec<AssessmentDomainView>> {
    let d = desk(&state);
    blocking(move || plan::assessment(&d, case)).await
}

#[tauri::command]
pub async fn assessment_add(state: State<'_, Desktop>, input: NewAssessmentInput) -> Answer<String> {
    let d = desk(&state);
    blocking(move || plan::assessment_add(&d, input)).await
}

#[tauri::command]
pub async fn assessment_retract(state: State<'_, Desktop>, entry: String) -> Answer<()> {
    let d = desk(&state);
    blocking(move || plan::assessment_retract(&d, entry)).await
}

#[tauri::command]
pub async fn case_plan(state: State<'_, Desktop>, case: String) -> Answer<PlanView> {
    let d = desk(&state);
    blocking(move || plan::case_plan(&d, case)).await
}

#[tauri::command]
pub async fn goal_add(state: State<'_, Desktop>, case: String, text: String) -> Answer<String> {
    let d = desk(&state);
    blocking(move || plan::goal_add(&d, case, text)).await
}

#[tauri::command]
pub async fn action_add(state: State<'_, Desktop>, input: NewActionInput) -> Answer<String> {
    let d = desk(&state);
    blocking(move || plan::action_add(&d, input)).await
}

#[tauri::command]
pub async fn action_update(state: State<'_, Desktop>, action: String, input: ActionUpdateInput) -> Answer<()> {
    let d = desk(&state);
    blocking(move || plan::action_update(&d, action, input)).await
}

#[tauri::command]
pub async fn referrals(state: State<'_, Desktop>, case: String) -> Answer<Vec<ReferralView>> {
    let d = desk(&state);
    blocking(move || plan::referrals(&d, case)).await
}

#[tauri::command]
pub async fn referral_add(state: State<'_, Desktop>, input: NewReferralInput) -> Answer<String> {
    let d = desk(&state);
    blocking(move || plan::referral_add(&d, input)).await
}

#[tauri::command]
pub async fn referral_update(
    state: State<'_, Desktop>,
    referral: String,
    status: ReferralStatus,
    response: String,
) -> Answer<()> {
    let d = desk(&state);
    blocking(move || plan::referral_update(&d, referral, status, response)).await
}

#[tauri::command]
pub async fn resources(state: State<'_, Desktop>) -> Answer<Vec<ResourceView>> {
    let d = desk(&state);
    blocking(move || plan::resources(&d)).await
}

#[tauri::command]
pub async fn resource_add(state: State<'_, Desktop>, input: NewResourceInput) -> Answer<String> {
    let d = desk(&state);
    blocking(move || plan::resource_add(&d, input)).await
}

#[tauri::command]
pub async fn case_conflicts(
    state: State<'_, Desktop>,
    case: String,
    household: String,
) -> Answer<Vec<CaseConflictView>> {
    let d = desk(&state);
    blocking(move || plan::case_conflicts(&d, case, household)).await
}

#[tauri::command]
pub async fn meetings(state: State<'_, Desktop>) -> Answer<Vec<MeetingView>> {
    let d = desk(&state);
    blocking(move || meeting::meetings(&d)).await
}

#[tauri::command]
pub async fn meeting_new(state: State<'_, Desktop>, input: NewMeetingInput) -> Answer<String> {
    let d = desk(&state);
    blocking(move || meeting::meeting_new(&d, input)).await
}

#[tauri::command]
pub async fn meeting_detail(state: State<'_, Desktop>, meeting: String) -> Answer<MeetingDetailView> {
    let d = desk(&state);
    blocking(move || meeting::meeting_detail(&d, meeting)).await
}

#[tauri::command]
pub async fn meeting_proposals(state: State<'_, Desktop>, meeting: String) -> Answer<Vec<ProposalView>> {
    let d = desk(&state);
    blocking(move || meeting::meeting_proposals(&d, meeting)).await
}

#[tauri::command]
pub async fn agenda_add(
    state: State<'_, Desktop>,
    meeting: String,
    case: String,
    minutes: Option<u32>,
    reasons: Vec<String>,
) -> Answer<()> {
    let d = desk(&state);
    blocking(move || meeting::agenda_add(&d, meeting, case, minutes, reasons)).await
}

#[tauri::command]
pub async fn agenda_remove(state: State<'_, Desktop>, meeting: String, case: String) -> Answer<()> {
    let d = desk(&state);
    blocking(move || meeting::agenda_remove(&d, meeting, case)).await
}

#[tauri::command]
pub async fn agenda_arrange(
    state: State<'_, Desktop>,
    meeting: String,
    case: String,
    position: Option<u32>,
    minutes: Option<u32>,
) -> Answer<()> {
    let d = desk(&state);
    blocking(move || meeting::agenda_arrange(&d, meeting, case, position, minutes)).await
}

#[tauri::command]
pub async fn meeting_attendance(
    state: State<'_, Desktop>,
    meeting: String,
    present: Vec<String>,
    apologies: Vec<String>,
    observers: Vec<String>,
) -> Answer<()> {
    let d = desk(&state);
    blocking(move || meeting::meeting_attendance(&d, meeting, present, apologies, observers)).await
}

#[tauri::command]
pub async fn meeting_record_item(
    state: State<'_, Desktop>,
    meeting: String,
    case: String,
    input: ItemRecordInput,
) -> Answer<Vec<String>> {
    let d = desk(&state);
    blocking(move || meeting::meeting_record_item(&d, meeting, case, input)).await
}

#[tauri::command]
pub async fn meeting_finalise(state: State<'_, Desktop>, meeting: String) -> Answer<()> {
    let d = desk(&state);
    blocking(move || meeting::meeting_finalise(&d, meeting)).await
}

#[tauri::command]
pub async fn meeting_print(
    state: State<'_, Desktop>,
    meeting: String,
    what: PrintDocument,
    case: Option<String>,
    copies: u32,
) -> Answer<String> {
    let d = desk(&state);
    blocking(move || meeting::meeting_print(&d, meeting, what, case, copies)).await
}

#[tauri::command]
pub async fn meeting_pack_export(
    state: State<'_, Desktop>,
    meeting: String,
    dir: String,
) -> Answer<Vec<PackResultView>> {
    let d = desk(&state);
    blocking(move || meeting::meeting_pack_export(&d, meeting, dir)).await
}

#[tauri::command]
pub async fn ledger(state: State<'_, Desktop>, filter: LedgerFilterInput) -> Answer<Vec<LedgerRowView>> {
    let d = desk(&state);
    blocking(move || meeting::ledger(&d, filter)).await
}

// --- end meetings ---
