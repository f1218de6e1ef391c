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
};
