// The exchange commands (member cards, bundles, inbox, quarantine, conflicts, home panels) and the
// files dropped onto the window. Spread into `backend` by index.ts.
import { Channel, invoke } from "@tauri-apps/api/core";
import { getCurrentWebview } from "@tauri-apps/api/webview";

import type { BundleExportInput } from "./types/BundleExportInput";
import type { BundlePreviewView } from "./types/BundlePreviewView";
import type { BundleProgress } from "./types/BundleProgress";
import type { CommandError } from "./types/CommandError";
import type { ConflictResolveInput } from "./types/ConflictResolveInput";
import type { ConflictView } from "./types/ConflictView";
import type { ExchangeView } from "./types/ExchangeView";
import type { ExportPreviewView } from "./types/ExportPreviewView";
import type { ExportReportView } from "./types/ExportReportView";
import type { HomePanelsView } from "./types/HomePanelsView";
import type { ImportSummaryView } from "./types/ImportSummaryView";
import type { InboxEntryView } from "./types/InboxEntryView";
import type { InboxResult } from "./types/InboxResult";
import type { QuarantineView } from "./types/QuarantineView";
import type { SiteView } from "./types/SiteView";

export type { BundleProgress };

type Call = <T>(command: string, args?: Record<string, unknown>) => Promise<T>;
type OnBundleProgress = (p: BundleProgress) => void;

function bundleChannel(onProgress: OnBundleProgress): Channel<BundleProgress> {
  const channel = new Channel<BundleProgress>();
  channel.onmessage = onProgress;
  return channel;
}

export function exchangeCommands(call: Call) {
  return {
    exchangeOverview: () => call<ExchangeView>("exchange_overview"),
    cardExport: (folder: string) => call<string>("card_export", { folder }),
    cardImport: (path: string) => call<SiteView>("card_import", { path }),
    cardVerify: (site: string, fingerprint: string) => call<SiteView>("card_verify", { site, fingerprint }),
    siteRevoke: (site: string) => call<SiteView>("site_revoke", { site }),
    bundlePreview: (to: string, full: boolean) => call<ExportPreviewView>("bundle_preview", { to, full }),
    bundleExport: (input: BundleExportInput, onProgress: OnBundleProgress) =>
      call<ExportReportView>("bundle_export", { input, progress: bundleChannel(onProgress) }),
    bundleInspect: (path: string) => call<BundlePreviewView>("bundle_inspect", { path }),
    bundleImport: (path: string, onProgress: OnBundleProgress) =>
      call<ImportSummaryView>("bundle_import", { path, progress: bundleChannel(onProgress) }),
    inbox: () => call<InboxEntryView[]>("inbox"),
    inboxProcess: () => call<InboxResult[]>("inbox_process"),
    quarantine: () => call<QuarantineView[]>("quarantine"),
    quarantineRetry: () => call<number>("quarantine_retry"),
    conflicts: () => call<ConflictView[]>("conflicts"),
    conflictResolve: (input: ConflictResolveInput) => call<null>("conflict_resolve", { input }),
    homePanels: () => call<HomePanelsView>("home_panels"),
  };
}

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

export type { CommandError };
