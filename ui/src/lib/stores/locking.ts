// Locking: first the window forgets (session, directory, every screen with case data), then the
// app drops the vault. In that order, nothing of the case data is on screen even for a moment
// while the lock is under way.
import { backend } from "../backend";
import { showLocked } from "./router.svelte";
import { clearSession, current } from "./session.svelte";

export async function lockVault(notice: "idle" | "manual"): Promise<void> {
  const path = current.session?.path ?? "";
  clearSession();
  showLocked(path, notice);
  try {
    await backend.vaultLock();
  } catch {
    // Locking an already locked vault is not an error worth showing.
  }
}
