// The home screen's extension slots. Later work (exchange inbox, conflicts to resolve, upcoming
// meetings) adds a panel here; each renders beside the review list. The list is empty today
// because the engine does not offer those yet, and the home screen shows only real data.
import type { Component } from "svelte";

export type HomePanel = {
  /** "inbox", "conflicts", "meetings" … — also the panel's data-slot attribute. */
  slot: string;
  component: Component;
};

export const homePanels: HomePanel[] = [];
