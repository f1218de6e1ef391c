// The home panels share one request: the first panel to mount asks, the others within the same
// moment get the same answer (each panel is its own component in the home screen's slots).
import { backend } from "../../lib/backend";
import type { HomePanelsView } from "../../lib/backend/types/HomePanelsView";

let pending: { at: number; data: Promise<HomePanelsView> } | null = null;

export function homePanelData(now: number = Date.now()): Promise<HomePanelsView> {
  if (!pending || now - pending.at > 1000) pending = { at: now, data: backend.homePanels() };
  return pending.data;
}
