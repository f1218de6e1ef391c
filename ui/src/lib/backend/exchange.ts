// Files dropped onto the window, for the exchange screen (member cards and bundles arrive this
// way). The exchange commands themselves are generated with the others (commands.gen.ts).
import { getCurrentWebview } from "@tauri-apps/api/webview";

import type { BundleProgress } from "./types/BundleProgress";
import type { CommandError } from "./types/CommandError";

export type { BundleProgress, CommandError };

/** A file dropped onto the window (the webview's drag-drop event carries full paths). */
export type DropEvent = { kind: "over" } | { kind: "leave" } | { kind: "drop"; paths: string[] };

/**
 * Calls `handler` while files are dragged over and dropped onto the window. Resolves to a function
 * that stops listening. Outside the app (tests) it does nothing.
 */
export async function onFileDrop(handler: (e: DropEvent) => void): Promise<() => void> {
  try {
    return await getCurrentWebview().onDragDropEvent((event) => {
      const p = event.payload;
      if (p.type === "drop") handler({ kind: "drop", paths: p.paths });
      else if (p.type === "leave") handler({ kind: "leave" });
      else handler({ kind: "over" });
    });
  } catch {
    return () => {};
  }
}
