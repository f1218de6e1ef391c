// The home screen's panels beside the review list: this agency's actions due, upcoming meetings,
// the inbox, and conflicts with the quarantine (one request for all four, see panelData.ts).
import type { Component } from "svelte";

import ActionsPanel from "./ActionsPanel.svelte";
import ConflictsPanel from "./ConflictsPanel.svelte";
import InboxPanel from "./InboxPanel.svelte";
import MeetingsPanel from "./MeetingsPanel.svelte";

export type HomePanel = {
  /** "inbox", "conflicts", "meetings" … — also the panel's data-slot attribute. */
  slot: string;
  component: Component;
};

export const homePanels: HomePanel[] = [
  { slot: "actions", component: ActionsPanel },
  { slot: "meetings", component: MeetingsPanel },
  { slot: "inbox", component: InboxPanel },
  { slot: "conflicts", component: ConflictsPanel },
];
