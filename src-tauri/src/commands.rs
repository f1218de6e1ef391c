// The app's commands, one line each. Everything else about a command is made from this table, so
// nothing can list a command the others miss: its Tauri wrapper and the invoke handler (ipc.rs),
// the name the app manifest and the capability check (build.rs), and its typed function in
// ui/src/lib/backend/commands.gen.ts (tests/bindings.rs). Adding a command: write the plain
// function in its module, add its line here, allow it in capabilities/main.json, regenerate the
// TypeScript (KASANE_WRITE_TYPES=1 cargo test -p kasane-desktop --test bindings).
//
// A line reads `name(arguments) -> Returns = module::function;` and the plain function is called
// with the arguments in the order written:
// - `desk` first: the function takes the app state (`&Desktop`) first;
// - `name: Type`: deserialised from the window's argument of that name;
// - `; progress: P` last: the function reports progress, which reaches the window over a
//   `Channel<P>` (the TypeScript function takes an `onProgress` callback instead);
// - `, infallible` after the function: it returns `Returns` itself rather than a `Result`.
// This file holds nothing but the table: build.rs includes it too, where only the names count.
commands! {
    app_start(desk) -> StartInfo = vault::app_start;
    vault_inspect(path: String) -> VaultFolder = vault::vault_inspect;
    vault_create(desk, input: NewVaultInput; progress: Progress) -> CreatedVault = vault::vault_create;
    vault_unlock(desk, input: UnlockInput; progress: Progress) -> Session = vault::vault_unlock;
    vault_recover(desk, input: RecoverInput; progress: Progress) -> Session = vault::vault_recover;
    vault_restore(desk, input: RestoreInput; progress: Progress) -> RestoredVault = vault::vault_restore;
    vault_lock(desk) -> bool = vault::vault_lock, infallible;
    vault_workers(desk) -> Vec<WorkerSlotView> = vault::vault_workers;
    session(desk) -> Session = vault::session;
    worker_add(desk, input: NewWorkerInput; progress: Progress) -> WorkerSlotView = vault::worker_add;
    worker_remove(desk, input: WorkerRemoveInput; progress: Progress) -> WorkerRemoved = vault::worker_remove;
    passphrase_change(desk, input: PassphraseChangeInput; progress: Progress) -> () = vault::passphrase_change;
    archive_write(desk, input: ArchiveInput; progress: BundleProgress) -> ArchiveReportView = archive::archive_write;
    reference_data() -> Reference = reference::reference_data, infallible;
    directory(desk) -> Directory = reference::directory;
    date_check(text: String, partial: bool) -> DateView = reference::date_check;
    home(desk) -> HomeView = case::home;
    households(desk, filter: HouseholdFilterInput) -> Vec<HouseholdRow> = household::households;
    household_detail(desk, id: String) -> HouseholdDetailView = household::household_detail;
    household_add(desk, input: NewHouseholdInput) -> String = household::household_add;
    household_update(desk, id: String, input: HouseholdUpdateInput) -> () = household::household_update;
    person_add(desk, input: NewPersonInput) -> String = household::person_add;
    person_update(desk, id: String, input: PersonUpdateInput) -> () = household::person_update;
    relation_add(desk, input: NewRelationInput) -> String = household::relation_add;
    case_detail(desk, id: String) -> CaseDetailView = case::case_detail;
    case_open(desk, input: NewCaseInput) -> String = case::case_open;
    case_update(desk, id: String, input: CaseUpdateInput) -> () = case::case_update;
    note_add(desk, input: NewNoteInput) -> String = case::note_add;
    note_edit(desk, id: String, text: String) -> () = case::note_edit;
    note_retract(desk, id: String) -> () = case::note_retract;
    consent_add(desk, input: NewConsentInput) -> String = case::consent_add;
    consent_print(desk, input: ConsentPrintInput) -> String = case::consent_print;
    case_disclosures(desk, case: String) -> Vec<DisclosureView> = case::case_disclosures;
    case_disclosures_print(desk, case: String) -> String = case::case_disclosures_print;
    person_records_print(desk, person: String) -> String = request::person_records_print;
    person_records_export(desk, person: String, folder: String) -> String = request::person_records_export;
    case_decide(desk, input: DecideSupportInput) -> () = case::case_decide;
    case_requests(desk, case: String) -> Vec<RequestView> = case::case_requests;
    case_request(desk, case: String, close: bool, reason: String) -> String = case::case_request;
    case_request_grant(desk, request: String) -> () = case::case_request_grant;
    case_close(desk, input: CloseCaseInput) -> () = case::case_close;
    case_reopen(desk, case: String, reason: String, date: String) -> () = case::case_reopen;
    case_closing_sheet(desk, case: String) -> String = case::case_closing_sheet;
    case_intake(desk, input: IntakeInput) -> () = case::case_intake;
    case_intake_sheet(desk, case: String) -> String = case::case_intake_sheet;
    case_assessment_sheet(desk, case: String) -> String = case::case_assessment_sheet;
    printout_pdf(desk, input: PdfInput) -> String = pdf::printout_pdf;
    consent_withdraw(desk, id: String, date: String) -> () = case::consent_withdraw;
    search(desk, query: String, submitted: bool) -> Vec<HitView> = search::search;
    audit_entries(desk, filter: AuditFilterInput) -> AuditPageView = audit::audit_entries;
    exchange_overview(desk) -> ExchangeView = exchange::exchange_overview;
    card_export(desk, folder: String) -> String = exchange::card_export;
    card_import(desk, path: String) -> SiteView = exchange::card_import;
    card_verify(desk, site: String, fingerprint: String) -> SiteView = exchange::card_verify;
    site_revoke(desk, site: String) -> SiteView = exchange::site_revoke;
    site_rotate_keys(desk) -> SiteView = exchange::site_rotate_keys;
    bundle_preview(desk, to: String, full: bool) -> ExportPreviewView = exchange::bundle_preview;
    bundle_export(desk, input: BundleExportInput; progress: BundleProgress) -> ExportReportView = exchange::bundle_export;
    bundle_inspect(desk, path: String) -> BundlePreviewView = exchange::bundle_inspect;
    bundle_import(desk, path: String; progress: BundleProgress) -> ImportSummaryView = exchange::bundle_import;
    inbox(desk) -> Vec<InboxEntryView> = exchange::inbox;
    inbox_process(desk) -> Vec<InboxResult> = exchange::inbox_process;
    quarantine(desk) -> Vec<QuarantineView> = exchange::quarantine;
    quarantine_retry(desk) -> u32 = exchange::quarantine_retry;
    conflicts(desk) -> Vec<ConflictView> = exchange::conflicts;
    conflict_resolve(desk, input: ConflictResolveInput) -> () = exchange::conflict_resolve;
    home_panels(desk) -> HomePanelsView = exchange::home_panels;
    plan_reference() -> PlanReference = plan::plan_reference, infallible;
    case_shares(desk, case: String) -> Vec<ShareView> = plan::case_shares;
    case_share(desk, case: String, agency: String, basis: String) -> () = plan::case_share;
    case_unshare(desk, case: String, agency: String, reason: String) -> () = plan::case_unshare;
    disclosure_days(desk) -> u32 = plan::disclosure_days;
    disclosure_days_set(desk, days: u32) -> () = plan::disclosure_days_set;
    assessment(desk, case: String) -> Vec<AssessmentDomainView> = plan::assessment;
    assessment_add(desk, input: NewAssessmentInput) -> String = plan::assessment_add;
    assessment_retract(desk, entry: String) -> () = plan::assessment_retract;
    case_plan(desk, case: String) -> PlanView = plan::case_plan;
    goal_add(desk, case: String, text: String, term: Option<GoalTerm>) -> String = plan::goal_add;
    goal_evaluate(desk, goal: String, result: GoalResult, comment: String, date: String) -> () = plan::goal_evaluate;
    plan_version_new(desk, case: String, input: PlanVersionInput) -> String = plan::plan_version_new;
    plan_revise(desk, plan: String, input: PlanVersionInput) -> () = plan::plan_revise;
    plan_approve(desk, plan: String, meeting: String) -> () = plan::plan_approve;
    plan_agree(desk, plan: String, person: String, date: String) -> () = plan::plan_agree;
    plan_print(desk, plan: String) -> String = plan::plan_print;
    assessment_overall(desk, case: String, view: String, policy: String) -> () = plan::assessment_overall;
    assessment_revise(desk, entry: String, seen: String, judgement: String) -> () = plan::assessment_revise;
    action_add(desk, input: NewActionInput) -> String = plan::action_add;
    action_update(desk, action: String, input: ActionUpdateInput) -> () = plan::action_update;
    referrals(desk, case: String) -> Vec<ReferralView> = plan::referrals;
    referral_add(desk, input: NewReferralInput) -> String = plan::referral_add;
    referral_update(desk, referral: String, status: ReferralStatus, response: String) -> () = plan::referral_update;
    resources(desk) -> Vec<ResourceView> = plan::resources;
    resource_add(desk, input: NewResourceInput) -> String = plan::resource_add;
    case_conflicts(desk, case: String, household: String) -> Vec<CaseConflictView> = plan::case_conflicts;
    meetings(desk) -> Vec<MeetingView> = meeting::meetings;
    meeting_new(desk, input: NewMeetingInput) -> String = meeting::meeting_new;
    meeting_detail(desk, meeting: String) -> MeetingDetailView = meeting::meeting_detail;
    meeting_proposals(desk, meeting: String, limit: Option<u32>) -> ProposalsView = meeting::meeting_proposals;
    agenda_ask_lead(desk, meeting: String, case: String) -> String = meeting::agenda_ask_lead;
    agenda_add(desk, meeting: String, case: String, minutes: Option<u32>, reasons: Vec<String>, to: Option<Vec<String>>, progress_notes: bool) -> () = meeting::agenda_add;
    meeting_disclosure_until(desk, meeting: String) -> DateView = meeting::meeting_disclosure_until;
    agenda_remove(desk, meeting: String, case: String) -> () = meeting::agenda_remove;
    agenda_arrange(desk, meeting: String, case: String, position: Option<u32>, minutes: Option<u32>) -> () = meeting::agenda_arrange;
    meeting_attendance(desk, meeting: String, present: Vec<String>, apologies: Vec<String>, observers: Vec<String>) -> () = meeting::meeting_attendance;
    meeting_record_item(desk, meeting: String, case: String, input: ItemRecordInput) -> Vec<String> = meeting::meeting_record_item;
    meeting_finalise(desk, meeting: String) -> () = meeting::meeting_finalise;
    meeting_print(desk, meeting: String, what: PrintDocument, case: Option<String>, copies: u32) -> String = meeting::meeting_print;
    meeting_pack_export(desk, meeting: String, dir: String) -> Vec<PackResultView> = meeting::meeting_pack_export;
    ledger(desk, filter: LedgerFilterInput) -> Vec<LedgerRowView> = meeting::ledger;
    ledger_print(desk, filter: LedgerFilterInput) -> String = meeting::ledger_print;
    meeting_correct(desk, meeting: String, case: Option<String>, text: String) -> String = meeting::meeting_correct;
    backup_status(desk) -> BackupStatusView = backup::backup_status;
    backup_write(desk, folder: String) -> BackupView = backup::backup_write;
    backup_reminder_set(desk, days: u32) -> () = backup::backup_reminder_set;
    statistics(desk, input: StatsInput) -> StatisticsView = statistics::statistics;
    statistics_export(desk, input: StatsInput, folder: String, xlsx: bool) -> String = statistics::statistics_export;
    retention_schedule(desk) -> Vec<RetentionPeriodView> = retention::retention_schedule;
    retention_set(desk, kind: RetentionKind, years: u32) -> () = retention::retention_set;
    retention_cases(desk) -> Vec<RetainedCaseView> = retention::retention_cases;
    retention_dispose(desk, cases: Vec<String>, approved_by: String; progress: DisposalProgress) -> DisposalReportView = retention::retention_dispose;
    disposal_records(desk) -> Vec<DisposalRecordView> = retention::disposal_records;
    rosters(desk) -> RostersView = roster::rosters;
    roster_add(desk, input: NewRosterInput) -> String = roster::roster_add;
    roster_end(desk, entry: String, date: String) -> () = roster::roster_end;
    roster_keeper(desk, agency: String) -> u32 = roster::roster_keeper;
    roster_print(desk, date: String, copies: u32) -> String = roster::roster_print;
}
