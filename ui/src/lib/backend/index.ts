// The window's only way to the engine: one typed function per Tauri command. This folder is the
// only place that imports @tauri-apps/*; every type crossing the boundary is generated from Rust
// (./types, do not edit by hand). A failed command rejects with a CommandError.
import { Channel, invoke } from "@tauri-apps/api/core";

import type { CaseDetailView } from "./types/CaseDetailView";
import type { CaseUpdateInput } from "./types/CaseUpdateInput";
import type { CommandError } from "./types/CommandError";
import type { CreatedVault } from "./types/CreatedVault";
import type { DateView } from "./types/DateView";
import type { Directory } from "./types/Directory";
import type { HitView } from "./types/HitView";
import type { HomeView } from "./types/HomeView";
import type { HouseholdDetailView } from "./types/HouseholdDetailView";
import type { HouseholdFilterInput } from "./types/HouseholdFilterInput";
import type { HouseholdRow } from "./types/HouseholdRow";
import type { HouseholdUpdateInput } from "./types/HouseholdUpdateInput";
import type { NewCaseInput } from "./types/NewCaseInput";
import type { NewConsentInput } from "./types/NewConsentInput";
import type { NewHouseholdInput } from "./types/NewHouseholdInput";
import type { NewNoteInput } from "./types/NewNoteInput";
import type { NewPersonInput } from "./types/NewPersonInput";
import type { NewRelationInput } from "./types/NewRelationInput";
import type { NewVaultInput } from "./types/NewVaultInput";
import type { NewWorkerInput } from "./types/NewWorkerInput";
import type { PassphraseChangeInput } from "./types/PassphraseChangeInput";
import type { PersonUpdateInput } from "./types/PersonUpdateInput";
import type { Progress } from "./types/Progress";
import type { RecoverInput } from "./types/RecoverInput";
import type { Reference } from "./types/Reference";
import type { Session } from "./types/Session";
import type { StartInfo } from "./types/StartInfo";
import type { UnlockInput } from "./types/UnlockInput";
import type { VaultFolder } from "./types/VaultFolder";
import type { WorkerSlotView } from "./types/WorkerSlotView";
// --- exchange ---
import { exchangeCommands } from "./exchange";
// --- end exchange ---
// --- meetings ---
import type { ActionUpdateInput } from "./types/ActionUpdateInput";
import type { AssessmentDomainView } from "./types/AssessmentDomainView";
import type { CaseConflictView } from "./types/CaseConflictView";
import type { ItemRecordInput } from "./types/ItemRecordInput";
import type { LedgerFilterInput } from "./types/LedgerFilterInput";
import type { LedgerRowView } from "./types/LedgerRowView";
import type { MeetingDetailView } from "./types/MeetingDetailView";
import type { MeetingView } from "./types/MeetingView";
import type { NewActionInput } from "./types/NewActionInput";
import type { NewAssessmentInput } from "./types/NewAssessmentInput";
import type { NewMeetingInput } from "./types/NewMeetingInput";
import type { NewReferralInput } from "./types/NewReferralInput";
import type { NewResourceInput } from "./types/NewResourceInput";
import type { PackResultView } from "./types/PackResultView";
import type { PlanReference } from "./types/PlanReference";
import type { PlanView } from "./types/PlanView";
import type { PrintDocument } from "./types/PrintDocument";
import type { ProposalView } from "./types/ProposalView";
import type { ReferralStatus } from "./types/ReferralStatus";
import type { ReferralView } from "./types/ReferralView";
import type { ResourceView } from "./types/ResourceView";
import type { ShareView } from "./types/ShareView";
// --- end meetings ---

export type { CommandError, Progress };

/** Narrows an unknown rejection to the command error shape the Rust side sends. */
export function isCommandError(e: unknown): e is CommandError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { code?: unknown }).code === "string" &&
    typeof (e as { kind?: unknown }).kind === "string"
  );
}

/** Anything that is not a CommandError (an IPC failure, a bug) becomes one, so screens handle one shape. */
function asCommandError(e: unknown): CommandError {
  if (isCommandError(e)) return e;
  return {
    code: "internal.ipc",
    kind: "internal",
    detail: e instanceof Error ? e.message : String(e),
    message_ja: "",
    field: null,
    date: null,
  };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw asCommandError(e);
  }
}

function progressChannel(onProgress: (p: Progress) => void): Channel<Progress> {
  const channel = new Channel<Progress>();
  channel.onmessage = onProgress;
  return channel;
}

type OnProgress = (p: Progress) => void;

export const backend = {
  appStart: () => call<StartInfo>("app_start"),
  vaultInspect: (path: string) => call<VaultFolder>("vault_inspect", { path }),
  vaultCreate: (input: NewVaultInput, onProgress: OnProgress) =>
    call<CreatedVault>("vault_create", { input, progress: progressChannel(onProgress) }),
  vaultUnlock: (input: UnlockInput, onProgress: OnProgress) =>
    call<Session>("vault_unlock", { input, progress: progressChannel(onProgress) }),
  vaultRecover: (input: RecoverInput, onProgress: OnProgress) =>
    call<Session>("vault_recover", { input, progress: progressChannel(onProgress) }),
  vaultLock: () => call<boolean>("vault_lock"),
  vaultWorkers: () => call<WorkerSlotView[]>("vault_workers"),
  session: () => call<Session>("session"),
  workerAdd: (input: NewWorkerInput, onProgress: OnProgress) =>
    call<WorkerSlotView>("worker_add", { input, progress: progressChannel(onProgress) }),
  passphraseChange: (input: PassphraseChangeInput, onProgress: OnProgress) =>
    call<null>("passphrase_change", { input, progress: progressChannel(onProgress) }),
  referenceData: () => call<Reference>("reference_data"),
  directory: () => call<Directory>("directory"),
  dateCheck: (text: string, partial: boolean) => call<DateView>("date_check", { text, partial }),
  home: () => call<HomeView>("home"),
  households: (filter: HouseholdFilterInput) => call<HouseholdRow[]>("households", { filter }),
  householdDetail: (id: string) => call<HouseholdDetailView>("household_detail", { id }),
  householdAdd: (input: NewHouseholdInput) => call<string>("household_add", { input }),
  householdUpdate: (id: string, input: HouseholdUpdateInput) => call<null>("household_update", { id, input }),
  personAdd: (input: NewPersonInput) => call<string>("person_add", { input }),
  personUpdate: (id: string, input: PersonUpdateInput) => call<null>("person_update", { id, input }),
  relationAdd: (input: NewRelationInput) => call<string>("relation_add", { input }),
  caseDetail: (id: string) => call<CaseDetailView>("case_detail", { id }),
  caseOpen: (input: NewCaseInput) => call<string>("case_open", { input }),
  caseUpdate: (id: string, input: CaseUpdateInput) => call<null>("case_update", { id, input }),
  noteAdd: (input: NewNoteInput) => call<string>("note_add", { input }),
  noteEdit: (id: string, text: string) => call<null>("note_edit", { id, text }),
  noteRetract: (id: string) => call<null>("note_retract", { id }),
  consentAdd: (input: NewConsentInput) => call<string>("consent_add", { input }),
  consentWithdraw: (id: string, date: string) => call<null>("consent_withdraw", { id, date }),
  search: (query: string, submitted: boolean) => call<HitView[]>("search", { query, submitted }),
  // --- exchange ---
  ...exchangeCommands(call),
  // --- end exchange ---
  // --- meetings ---
  planReference: () => call<PlanReference>("plan_reference"),
  caseShares: (c: string) => call<ShareView[]>("case_shares", { case: c }),
  caseShare: (c: string, agency: string, basis: string) => call<null>("case_share", { case: c, agency, basis }),
  caseUnshare: (c: string, agency: string, reason: string) => call<null>("case_unshare", { case: c, agency, reason }),
  assessment: (c: string) => call<AssessmentDomainView[]>("assessment", { case: c }),
  assessmentAdd: (input: NewAssessmentInput) => call<string>("assessment_add", { input }),
  assessmentRetract: (entry: string) => call<null>("assessment_retract", { entry }),
  casePlan: (c: string) => call<PlanView>("case_plan", { case: c }),
  goalAdd: (c: string, text: string) => call<string>("goal_add", { case: c, text }),
  actionAdd: (input: NewActionInput) => call<string>("action_add", { input }),
  actionUpdate: (action: string, input: ActionUpdateInput) => call<null>("action_update", { action, input }),
  referrals: (c: string) => call<ReferralView[]>("referrals", { case: c }),
  referralAdd: (input: NewReferralInput) => call<string>("referral_add", { input }),
  referralUpdate: (referral: string, status: ReferralStatus, response: string) =>
    call<null>("referral_update", { referral, status, response }),
  resources: () => call<ResourceView[]>("resources"),
  resourceAdd: (input: NewResourceInput) => call<string>("resource_add", { input }),
  caseConflicts: (c: string, household: string) => call<CaseConflictView[]>("case_conflicts", { case: c, household }),
  meetings: () => call<MeetingView[]>("meetings"),
  meetingNew: (input: NewMeetingInput) => call<string>("meeting_new", { input }),
  meetingDetail: (meeting: string) => call<MeetingDetailView>("meeting_detail", { meeting }),
  meetingProposals: (meeting: string) => call<ProposalView[]>("meeting_proposals", { meeting }),
  agendaAdd: (meeting: string, c: string, minutes: number | null, reasons: string[]) =>
    call<null>("agenda_add", { meeting, case: c, minutes, reasons }),
  agendaRemove: (meeting: string, c: string) => call<null>("agenda_remove", { meeting, case: c }),
  agendaArrange: (meeting: string, c: string, position: number | null, minutes: number | null) =>
    call<null>("agenda_arrange", { meeting, case: c, position, minutes }),
  meetingAttendance: (meeting: string, present: string[], apologies: string[], observers: string[]) =>
    call<null>("meeting_attendance", { meeting, present, apologies, observers }),
  meetingRecordItem: (meeting: string, c: string, input: ItemRecordInput) =>
    call<string[]>("meeting_record_item", { meeting, case: c, input }),
  meetingFinalise: (meeting: string) => call<null>("meeting_finalise", { meeting }),
  meetingPrint: (meeting: string, what: PrintDocument, c: string | null, copies: number) =>
    call<string>("meeting_print", { meeting, what, case: c, copies }),
  meetingPackExport: (meeting: string, dir: string) => call<PackResultView[]>("meeting_pack_export", { meeting, dir }),
  ledger: (filter: LedgerFilterInput) => call<LedgerRowView[]>("ledger", { filter }),
  // --- end meetings ---
};
