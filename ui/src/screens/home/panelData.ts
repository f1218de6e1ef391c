// The home panels share one request: the first panel to mount asks, the others within the same
// moment get the same answer (each panel is its own component in the home screen's slots).
import { backend } from "../../lib/backend";
import type { HomePanelsView } from "../../lib/backend/types/HomePanelsView";

let pending: { at: number; data: Promise<HomePanelsView> } | null = null;

/** What the panels' request waits for: the review list asks first. The vault answers one request
 *  at a time, and the review list is what a worker opens the app for; the panels come after it. */
let before: Promise<unknown> = Promise.resolve();

/** The panels' next request waits until `first` has settled (either way). */
export function panelsAfter(first: Promise<unknown>): void {
  before = first;
}

export function homePanelData(now: number = Date.now()): Promise<HomePanelsView> {
  if (!pending || now - pending.at > 1000) {
    const ask = () => backend.homePanels();
    pending = { at: now, data: before.then(ask, ask) };
  }
  return pending.data;
}
