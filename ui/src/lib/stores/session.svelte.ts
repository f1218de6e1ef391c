// The signed-in session and the data loaded for it. Locking clears all of it in one place, so
// nothing of the case data stays in the window after a lock.
import { backend } from "../backend";
import type { Directory } from "../backend/types/Directory";
import type { Reference } from "../backend/types/Reference";
import type { Session } from "../backend/types/Session";

export type SessionState = {
  session: Session | null;
  directory: Directory | null;
};

export const current = $state<SessionState>({ session: null, directory: null });

/** Forms need the city's lists before and after unlocking; they hold no case data. */
export const reference = $state<{ data: Reference | null; minPassphraseChars: number; maxTextChars: number }>({
  data: null,
  minPassphraseChars: 8,
  maxTextChars: 20000,
});

export function signIn(session: Session, directory: Directory): void {
  current.session = session;
  current.directory = directory;
}

/** The directory grows when a partner's card or a bundle arrives; the screens that take them reload it. */
export async function reloadDirectory(): Promise<void> {
  const directory = await backend.directory();
  if (current.session) current.directory = directory;
}

export function clearSession(): void {
  current.session = null;
  current.directory = null;
}

export function agencyName(id: string): string {
  return current.directory?.agencies.find((a) => a.id === id)?.name ?? "";
}

export function workerName(id: string): string {
  return current.directory?.workers.find((w) => w.id === id)?.name ?? "";
}
