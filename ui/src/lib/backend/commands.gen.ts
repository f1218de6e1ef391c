// Generated from the command table (src-tauri/src/commands.rs) by src-tauri/tests/bindings.rs: do not
// edit. Regenerate with KASANE_WRITE_TYPES=1 cargo test -p kasane-desktop --test bindings.
// One function per command; each rejects with a CommandError.
import { call, channel } from "./call";
import type { ActionUpdateInput } from "./types/ActionUpdateInput";
import type { ArchiveInput } from "./types/ArchiveInput";
import type { ArchiveReportView } from "./types/ArchiveReportView";
import type { AssessmentDomainView } from "./types/AssessmentDomainView";
import type { AuditFilterInput } from "./types/AuditFilterInput";
import type { AuditPageView } from "./types/AuditPageView";
import type { BackupStatusView } from "./types/BackupStatusView";
import type { BackupView } from "./types/BackupView";
import type { BundleExportInput } from "./types/BundleExportInput";
import type { BundlePreviewView } from "./types/BundlePreviewView";
import type { BundleProgress } from "./types/BundleProgress";
import type { CaseConflictView } from "./types/CaseConflictView";
import type { CaseDetailView } from "./types/CaseDetailView";
import type { CaseUpdateInput } from "./types/CaseUpdateInput";
import type { CloseCaseInput } from "./types/CloseCaseInput";
import type { ConflictResolveInput } from "./types/ConflictResolveInput";
import type { ConflictView } from "./types/ConflictView";
import type { ConsentPrintInput } from "./types/ConsentPrintInput";
import type { CreatedVault } from "./types/CreatedVault";
import type { DateView } from "./types/DateView";
import type { DecideSupportInput } from "./types/DecideSupportInput";
import type { Directory } from "./types/Directory";
import type { DisclosureView } from "./types/DisclosureView";
import type { DisposalProgress } from "./types/DisposalProgress";
import type { DisposalRecordView } from "./types/DisposalRecordView";
import type { DisposalReportView } from "./types/DisposalReportView";
import type { ExchangeView } from "./types/ExchangeView";
import type { ExportPreviewView } from "./types/ExportPreviewView";
import type { ExportReportView } from "./types/ExportReportView";
import type { GoalResult } from "./types/GoalResult";
import type { GoalTerm } from "./types/GoalTerm";
import type { HitView } from "./types/HitView";
import type { HomePanelsView } from "./types/HomePanelsView";
import type { HomeView } from "./types/HomeView";
import type { HouseholdDetailView } from "./types/HouseholdDetailView";
import type { HouseholdFilterInput } from "./types/HouseholdFilterInput";
import type { HouseholdRow } from "./types/HouseholdRow";
import type { HouseholdUpdateInput } from "./types/HouseholdUpdateInput";
import type { ImportSummaryView } from "./types/ImportSummaryView";
import type { InboxEntryView } from "./types/InboxEntryView";
import type { InboxResult } from "./types/InboxResult";
import type { IntakeInput } from "./types/IntakeInput";
import type { ItemRecordInput } from "./types/ItemRecordInput";
import type { LedgerFilterInput } from "./types/LedgerFilterInput";
import type { LedgerRowView } from "./types/LedgerRowView";
import type { MeetingDetailView } from "./types/MeetingDetailView";
import type { MeetingView } from "./types/MeetingView";
import type { NewActionInput } from "./types/NewActionInput";
import type { NewAssessmentInput } from "./types/NewAssessmentInput";
import type { NewCaseInput } from "./types/NewCaseInput";
import type { NewConsentInput } from "./types/NewConsentInput";
import type { NewHouseholdInput } from "./types/NewHouseholdInput";
import type { NewMeetingInput } from "./types/NewMeetingInput";
import type { NewNoteInput } from "./types/NewNoteInput";
import type { NewPersonInput } from "./types/NewPersonInput";
import type { NewReferralInput } from "./types/NewReferralInput";
import type { NewRelationInput } from "./types/NewRelationInput";
import type { NewResourceInput } from "./types/NewResourceInput";
import type { NewRosterInput } from "./types/NewRosterInput";
import type { NewVaultInput } from "./types/NewVaultInput";
import type { NewWorkerInput } from "./types/NewWorkerInput";
import type { PackResultView } from "./types/PackResultView";
import type { PassphraseChangeInput } from "./types/PassphraseChangeInput";
import type { PdfInput } from "./types/PdfInput";
import type { PersonUpdateInput } from "./types/PersonUpdateInput";
import type { PlanReference } from "./types/PlanReference";
import type { PlanVersionInput } from "./types/PlanVersionInput";
import type { PlanView } from "./types/PlanView";
import type { PrintDocument } from "./types/PrintDocument";
import type { Progress } from "./types/Progress";
import type { ProposalsView } from "./types/ProposalsView";
import type { QuarantineView } from "./types/QuarantineView";
import type { RecoverInput } from "./types/RecoverInput";
import type { Reference } from "./types/Reference";
import type { ReferralStatus } from "./types/ReferralStatus";
import type { ReferralView } from "./types/ReferralView";
import type { RequestView } from "./types/RequestView";
import type { ResourceView } from "./types/ResourceView";
import type { RestoreInput } from "./types/RestoreInput";
import type { RestoredVault } from "./types/RestoredVault";
import type { RetainedCaseView } from "./types/RetainedCaseView";
import type { RetentionKind } from "./types/RetentionKind";
import type { RetentionPeriodView } from "./types/RetentionPeriodView";
import type { RostersView } from "./types/RostersView";
import type { Session } from "./types/Session";
import type { ShareView } from "./types/ShareView";
import type { SiteView } from "./types/SiteView";
import type { StartInfo } from "./types/StartInfo";
import type { StatisticsView } from "./types/StatisticsView";
import type { StatsInput } from "./types/StatsInput";
import type { UnlockInput } from "./types/UnlockInput";
import type { VaultFolder } from "./types/VaultFolder";
import type { WorkerRemoveInput } from "./types/WorkerRemoveInput";
import type { WorkerRemoved } from "./types/WorkerRemoved";
import type { WorkerSlotView } from "./types/WorkerSlotView";

export async function appStart(): Promise<StartInfo> {
  return call<StartInfo>("app_start");
}

export async function vaultInspect(path: string): Promise<VaultFolder> {
  return call<VaultFolder>("vault_inspect", { path });
}

export async function vaultCreate(input: NewVaultInput, onProgress: (p: Progress) => void): Promise<CreatedVault> {
  return call<CreatedVault>("vault_create", { input, progress: channel(onProgress) });
}

export async function vaultUnlock(input: UnlockInput, onProgress: (p: Progress) => void): Promise<Session> {
  return call<Session>("vault_unlock", { input, progress: channel(onProgress) });
}

export async function vaultRecover(input: RecoverInput, onProgress: (p: Progress) => void): Promise<Session> {
  return call<Session>("vault_recover", { input, progress: channel(onProgress) });
}

export async function vaultRestore(input: RestoreInput, onProgress: (p: Progress) => void): Promise<RestoredVault> {
  return call<RestoredVault>("vault_restore", { input, progress: channel(onProgress) });
}

export async function vaultLock(): Promise<boolean> {
  return call<boolean>("vault_lock");
}

export async function vaultWorkers(): Promise<WorkerSlotView[]> {
  return call<WorkerSlotView[]>("vault_workers");
}

export async function session(): Promise<Session> {
  return call<Session>("session");
}

export async function workerAdd(input: NewWorkerInput, onProgress: (p: Progress) => void): Promise<WorkerSlotView> {
  return call<WorkerSlotView>("worker_add", { input, progress: channel(onProgress) });
}

export async function workerRemove(input: WorkerRemoveInput, onProgress: (p: Progress) => void): Promise<WorkerRemoved> {
  return call<WorkerRemoved>("worker_remove", { input, progress: channel(onProgress) });
}

export async function passphraseChange(input: PassphraseChangeInput, onProgress: (p: Progress) => void): Promise<void> {
  return call<void>("passphrase_change", { input, progress: channel(onProgress) });
}

export async function archiveWrite(input: ArchiveInput, onProgress: (p: BundleProgress) => void): Promise<ArchiveReportView> {
  return call<ArchiveReportView>("archive_write", { input, progress: channel(onProgress) });
}

export async function referenceData(): Promise<Reference> {
  return call<Reference>("reference_data");
}

export async function directory(): Promise<Directory> {
  return call<Directory>("directory");
}

export async function dateCheck(text: string, partial: boolean): Promise<DateView> {
  return call<DateView>("date_check", { text, partial });
}

export async function home(): Promise<HomeView> {
  return call<HomeView>("home");
}

export async function households(filter: HouseholdFilterInput): Promise<HouseholdRow[]> {
  return call<HouseholdRow[]>("households", { filter });
}

export async function householdDetail(id: string): Promise<HouseholdDetailView> {
  return call<HouseholdDetailView>("household_detail", { id });
}

export async function householdAdd(input: NewHouseholdInput): Promise<string> {
  return call<string>("household_add", { input });
}

export async function householdUpdate(id: string, input: HouseholdUpdateInput): Promise<void> {
  return call<void>("household_update", { id, input });
}

export async function personAdd(input: NewPersonInput): Promise<string> {
  return call<string>("person_add", { input });
}

export async function personUpdate(id: string, input: PersonUpdateInput): Promise<void> {
  return call<void>("person_update", { id, input });
}

export async function relationAdd(input: NewRelationInput): Promise<string> {
  return call<string>("relation_add", { input });
}

export async function caseDetail(id: string): Promise<CaseDetailView> {
  return call<CaseDetailView>("case_detail", { id });
}

export async function caseOpen(input: NewCaseInput): Promise<string> {
  return call<string>("case_open", { input });
}

export async function caseUpdate(id: string, input: CaseUpdateInput): Promise<void> {
  return call<void>("case_update", { id, input });
}

export async function noteAdd(input: NewNoteInput): Promise<string> {
  return call<string>("note_add", { input });
}

export async function noteEdit(id: string, text: string): Promise<void> {
  return call<void>("note_edit", { id, text });
}

export async function noteRetract(id: string): Promise<void> {
  return call<void>("note_retract", { id });
}

export async function consentAdd(input: NewConsentInput): Promise<string> {
  return call<string>("consent_add", { input });
}

export async function consentPrint(input: ConsentPrintInput): Promise<string> {
  return call<string>("consent_print", { input });
}

export async function caseDisclosures(case_: string): Promise<DisclosureView[]> {
  return call<DisclosureView[]>("case_disclosures", { case: case_ });
}

export async function caseDisclosuresPrint(case_: string): Promise<string> {
  return call<string>("case_disclosures_print", { case: case_ });
}

export async function personRecordsPrint(person: string): Promise<string> {
  return call<string>("person_records_print", { person });
}

export async function personRecordsExport(person: string, folder: string): Promise<string> {
  return call<string>("person_records_export", { person, folder });
}

export async function caseDecide(input: DecideSupportInput): Promise<void> {
  return call<void>("case_decide", { input });
}

export async function caseRequests(case_: string): Promise<RequestView[]> {
  return call<RequestView[]>("case_requests", { case: case_ });
}

export async function caseRequest(case_: string, close: boolean, reason: string): Promise<string> {
  return call<string>("case_request", { case: case_, close, reason });
}

export async function caseRequestGrant(request: string): Promise<void> {
  return call<void>("case_request_grant", { request });
}

export async function caseClose(input: CloseCaseInput): Promise<void> {
  return call<void>("case_close", { input });
}

export async function caseReopen(case_: string, reason: string, date: string): Promise<void> {
  return call<void>("case_reopen", { case: case_, reason, date });
}

export async function caseClosingSheet(case_: string): Promise<string> {
  return call<string>("case_closing_sheet", { case: case_ });
}

export async function caseIntake(input: IntakeInput): Promise<void> {
  return call<void>("case_intake", { input });
}

export async function caseIntakeSheet(case_: string): Promise<string> {
  return call<string>("case_intake_sheet", { case: case_ });
}

export async function caseAssessmentSheet(case_: string): Promise<string> {
  return call<string>("case_assessment_sheet", { case: case_ });
}

export async function printoutPdf(input: PdfInput): Promise<string> {
  return call<string>("printout_pdf", { input });
}

export async function consentWithdraw(id: string, date: string): Promise<void> {
  return call<void>("consent_withdraw", { id, date });
}

export async function search(query: string, submitted: boolean): Promise<HitView[]> {
  return call<HitView[]>("search", { query, submitted });
}

export async function auditEntries(filter: AuditFilterInput): Promise<AuditPageView> {
  return call<AuditPageView>("audit_entries", { filter });
}

export async function exchangeOverview(): Promise<ExchangeView> {
  return call<ExchangeView>("exchange_overview");
}

export async function cardExport(folder: string): Promise<string> {
  return call<string>("card_export", { folder });
}

export async function cardImport(path: string): Promise<SiteView> {
  return call<SiteView>("card_import", { path });
}

export async function cardVerify(site: string, fingerprint: string): Promise<SiteView> {
  return call<SiteView>("card_verify", { site, fingerprint });
}

export async function siteRevoke(site: string): Promise<SiteView> {
  return call<SiteView>("site_revoke", { site });
}

export async function siteRotateKeys(): Promise<SiteView> {
  return call<SiteView>("site_rotate_keys");
}

export async function bundlePreview(to: string, full: boolean): Promise<ExportPreviewView> {
  return call<ExportPreviewView>("bundle_preview", { to, full });
}

export async function bundleExport(input: BundleExportInput, onProgress: (p: BundleProgress) => void): Promise<ExportReportView> {
  return call<ExportReportView>("bundle_export", { input, progress: channel(onProgress) });
}

export async function bundleInspect(path: string): Promise<BundlePreviewView> {
  return call<BundlePreviewView>("bundle_inspect", { path });
}

export async function bundleImport(path: string, onProgress: (p: BundleProgress) => void): Promise<ImportSummaryView> {
  return call<ImportSummaryView>("bundle_import", { path, progress: channel(onProgress) });
}

export async function inbox(): Promise<InboxEntryView[]> {
  return call<InboxEntryView[]>("inbox");
}

export async function inboxProcess(): Promise<InboxResult[]> {
  return call<InboxResult[]>("inbox_process");
}

export async function quarantine(): Promise<QuarantineView[]> {
  return call<QuarantineView[]>("quarantine");
}

export async function quarantineRetry(): Promise<number> {
  return call<number>("quarantine_retry");
}

export async function conflicts(): Promise<ConflictView[]> {
  return call<ConflictView[]>("conflicts");
}

export async function conflictResolve(input: ConflictResolveInput): Promise<void> {
  return call<void>("conflict_resolve", { input });
}

export async function homePanels(): Promise<HomePanelsView> {
  return call<HomePanelsView>("home_panels");
}

export async function planReference(): Promise<PlanReference> {
  return call<PlanReference>("plan_reference");
}

export async function caseShares(case_: string): Promise<ShareView[]> {
  return call<ShareView[]>("case_shares", { case: case_ });
}

export async function caseShare(case_: string, agency: string, basis: string): Promise<void> {
  return call<void>("case_share", { case: case_, agency, basis });
}

export async function caseUnshare(case_: string, agency: string, reason: string): Promise<void> {
  return call<void>("case_unshare", { case: case_, agency, reason });
}

export async function disclosureDays(): Promise<number> {
  return call<number>("disclosure_days");
}

export async function disclosureDaysSet(days: number): Promise<void> {
  return call<void>("disclosure_days_set", { days });
}

export async function assessment(case_: string): Promise<AssessmentDomainView[]> {
  return call<AssessmentDomainView[]>("assessment", { case: case_ });
}

export async function assessmentAdd(input: NewAssessmentInput): Promise<string> {
  return call<string>("assessment_add", { input });
}

export async function assessmentRetract(entry: string): Promise<void> {
  return call<void>("assessment_retract", { entry });
}

export async function casePlan(case_: string): Promise<PlanView> {
  return call<PlanView>("case_plan", { case: case_ });
}

export async function goalAdd(case_: string, text: string, term: GoalTerm | null): Promise<string> {
  return call<string>("goal_add", { case: case_, text, term });
}

export async function goalEvaluate(goal: string, result: GoalResult, comment: string, date: string): Promise<void> {
  return call<void>("goal_evaluate", { goal, result, comment, date });
}

export async function planVersionNew(case_: string, input: PlanVersionInput): Promise<string> {
  return call<string>("plan_version_new", { case: case_, input });
}

export async function planRevise(plan: string, input: PlanVersionInput): Promise<void> {
  return call<void>("plan_revise", { plan, input });
}

export async function planApprove(plan: string, meeting: string): Promise<void> {
  return call<void>("plan_approve", { plan, meeting });
}

export async function planAgree(plan: string, person: string, date: string): Promise<void> {
  return call<void>("plan_agree", { plan, person, date });
}

export async function planPrint(plan: string): Promise<string> {
  return call<string>("plan_print", { plan });
}

export async function assessmentOverall(case_: string, view: string, policy: string): Promise<void> {
  return call<void>("assessment_overall", { case: case_, view, policy });
}

export async function assessmentRevise(entry: string, seen: string, judgement: string): Promise<void> {
  return call<void>("assessment_revise", { entry, seen, judgement });
}

export async function actionAdd(input: NewActionInput): Promise<string> {
  return call<string>("action_add", { input });
}

export async function actionUpdate(action: string, input: ActionUpdateInput): Promise<void> {
  return call<void>("action_update", { action, input });
}

export async function referrals(case_: string): Promise<ReferralView[]> {
  return call<ReferralView[]>("referrals", { case: case_ });
}

export async function referralAdd(input: NewReferralInput): Promise<string> {
  return call<string>("referral_add", { input });
}

export async function referralUpdate(referral: string, status: ReferralStatus, response: string): Promise<void> {
  return call<void>("referral_update", { referral, status, response });
}

export async function resources(): Promise<ResourceView[]> {
  return call<ResourceView[]>("resources");
}

export async function resourceAdd(input: NewResourceInput): Promise<string> {
  return call<string>("resource_add", { input });
}

export async function caseConflicts(case_: string, household: string): Promise<CaseConflictView[]> {
  return call<CaseConflictView[]>("case_conflicts", { case: case_, household });
}

export async function meetings(): Promise<MeetingView[]> {
  return call<MeetingView[]>("meetings");
}

export async function meetingNew(input: NewMeetingInput): Promise<string> {
  return call<string>("meeting_new", { input });
}

export async function meetingDetail(meeting: string): Promise<MeetingDetailView> {
  return call<MeetingDetailView>("meeting_detail", { meeting });
}

export async function meetingProposals(meeting: string, limit: number | null): Promise<ProposalsView> {
  return call<ProposalsView>("meeting_proposals", { meeting, limit });
}

export async function agendaAskLead(meeting: string, case_: string): Promise<string> {
  return call<string>("agenda_ask_lead", { meeting, case: case_ });
}

export async function agendaAdd(meeting: string, case_: string, minutes: number | null, reasons: string[], to: string[] | null, progressNotes: boolean): Promise<void> {
  return call<void>("agenda_add", { meeting, case: case_, minutes, reasons, to, progressNotes });
}

export async function meetingDisclosureUntil(meeting: string): Promise<DateView> {
  return call<DateView>("meeting_disclosure_until", { meeting });
}

export async function agendaRemove(meeting: string, case_: string): Promise<void> {
  return call<void>("agenda_remove", { meeting, case: case_ });
}

export async function agendaArrange(meeting: string, case_: string, position: number | null, minutes: number | null): Promise<void> {
  return call<void>("agenda_arrange", { meeting, case: case_, position, minutes });
}

export async function meetingAttendance(meeting: string, present: string[], apologies: string[], observers: string[]): Promise<void> {
  return call<void>("meeting_attendance", { meeting, present, apologies, observers });
}

export async function meetingRecordItem(meeting: string, case_: string, input: ItemRecordInput): Promise<string[]> {
  return call<string[]>("meeting_record_item", { meeting, case: case_, input });
}

export async function meetingFinalise(meeting: string): Promise<void> {
  return call<void>("meeting_finalise", { meeting });
}

export async function meetingPrint(meeting: string, what: PrintDocument, case_: string | null, copies: number): Promise<string> {
  return call<string>("meeting_print", { meeting, what, case: case_, copies });
}

export async function meetingPackExport(meeting: string, dir: string): Promise<PackResultView[]> {
  return call<PackResultView[]>("meeting_pack_export", { meeting, dir });
}

export async function ledger(filter: LedgerFilterInput): Promise<LedgerRowView[]> {
  return call<LedgerRowView[]>("ledger", { filter });
}

export async function ledgerPrint(filter: LedgerFilterInput): Promise<string> {
  return call<string>("ledger_print", { filter });
}

export async function meetingCorrect(meeting: string, case_: string | null, text: string): Promise<string> {
  return call<string>("meeting_correct", { meeting, case: case_, text });
}

export async function backupStatus(): Promise<BackupStatusView> {
  return call<BackupStatusView>("backup_status");
}

export async function backupWrite(folder: string): Promise<BackupView> {
  return call<BackupView>("backup_write", { folder });
}

export async function backupReminderSet(days: number): Promise<void> {
  return call<void>("backup_reminder_set", { days });
}

export async function statistics(input: StatsInput): Promise<StatisticsView> {
  return call<StatisticsView>("statistics", { input });
}

export async function statisticsExport(input: StatsInput, folder: string, xlsx: boolean): Promise<string> {
  return call<string>("statistics_export", { input, folder, xlsx });
}

export async function retentionSchedule(): Promise<RetentionPeriodView[]> {
  return call<RetentionPeriodView[]>("retention_schedule");
}

export async function retentionSet(kind: RetentionKind, years: number): Promise<void> {
  return call<void>("retention_set", { kind, years });
}

export async function retentionCases(): Promise<RetainedCaseView[]> {
  return call<RetainedCaseView[]>("retention_cases");
}

export async function retentionDispose(cases: string[], approvedBy: string, onProgress: (p: DisposalProgress) => void): Promise<DisposalReportView> {
  return call<DisposalReportView>("retention_dispose", { cases, approvedBy, progress: channel(onProgress) });
}

export async function disposalRecords(): Promise<DisposalRecordView[]> {
  return call<DisposalRecordView[]>("disposal_records");
}

export async function rosters(): Promise<RostersView> {
  return call<RostersView>("rosters");
}

export async function rosterAdd(input: NewRosterInput): Promise<string> {
  return call<string>("roster_add", { input });
}

export async function rosterEnd(entry: string, date: string): Promise<void> {
  return call<void>("roster_end", { entry, date });
}

export async function rosterKeeper(agency: string): Promise<number> {
  return call<number>("roster_keeper", { agency });
}

export async function rosterPrint(date: string, copies: number): Promise<string> {
  return call<string>("roster_print", { date, copies });
}
