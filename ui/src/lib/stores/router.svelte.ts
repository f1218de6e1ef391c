// Which screen is shown. Screens before unlocking never hold case data; screens after it are
// dropped (with everything they loaded) when the vault locks.

export type Screen =
  | { name: "start" }
  | { name: "first-run" }
  | { name: "create" }
  | { name: "unlock"; path: string; notice: "idle" | "manual" | "recovered" | null }
  | { name: "recover"; path: string }
  | { name: "restore" }
  | { name: "home" }
  | { name: "households" }
  | { name: "household"; id: string }
  | { name: "case"; id: string }
  | { name: "settings" }
  | { name: "audit" }
  | { name: "retention" }
  | { name: "statistics" }
  | { name: "exchange" }
  | { name: "conflicts" }
  | { name: "meetings" }
  | { name: "meeting"; id: string };

export type ScreenName = Screen["name"];

const UNLOCKED: readonly ScreenName[] = [
  "home",
  "households",
  "household",
  "case",
  "settings",
  "audit",
  "retention",
  "statistics",
  "exchange",
  "conflicts",
  "meetings",
  "meeting",
];

export function needsVault(screen: Screen): boolean {
  return UNLOCKED.includes(screen.name);
}

export const router = $state<{ screen: Screen; history: Screen[] }>({ screen: { name: "start" }, history: [] });

export function go(screen: Screen): void {
  if (needsVault(router.screen) && needsVault(screen)) {
    router.history = [...router.history.slice(-19), router.screen];
  } else {
    router.history = [];
  }
  router.screen = screen;
}

export function back(): void {
  const previous = router.history.at(-1);
  if (!previous) {
    router.screen = { name: "home" };
    return;
  }
  router.history = router.history.slice(0, -1);
  router.screen = previous;
}

/** After locking: only the unlock screen, no way back to what was shown. */
export function showLocked(path: string, notice: "idle" | "manual" | "recovered" | null): void {
  router.history = [];
  router.screen = { name: "unlock", path, notice };
}
