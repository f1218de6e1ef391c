// The home screen's extension slots: each panel renders beside the review list. The exchange work
// adds this agency's actions due, upcoming meetings, the inbox, and conflicts with the quarantine
// (one request for all four, see panelData.ts).
import type { Component } from "svelte";

// --- exchange ---
import ActionsPanel from "./ActionsPanel.svelte";
import ConflictsPanel from "./ConflictsPanel.svelte";
import InboxPanel from "./InboxPanel.svelte";
import MeetingsPanel from "./MeetingsPanel.svelte";
// --- end exchange ---

export type HomePanel = {
  /** "inbox", "conflicts", "meetings" … — also the panel's data-slot attribute. */
  slot: string;
  component: Component;
};

export const homePanels: HomePanel[] = [
  // --- exchange ---
  { slot: "actions", component: ActionsPanel },
  { slot: "meetings", component: MeetingsPanel },
  { slot: "inbox", component: InboxPanel },
  { slot: "conflicts", component: ConflictsPanel },
  // --- end exchange ---
];
