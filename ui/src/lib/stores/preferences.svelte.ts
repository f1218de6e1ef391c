// The window's own preferences: language, text size, auto-lock time and the last vault folder.
// None of them is case data, so they are kept in the webview's local storage on this PC.
import { type Locale, setLocale } from "../i18n/index.svelte";

export type TextSize = "normal" | "large" | "xlarge";

export const TEXT_SIZES: readonly TextSize[] = ["normal", "large", "xlarge"];
export const AUTO_LOCK_MINUTES: readonly number[] = [1, 3, 5, 10, 15, 30];

export type Preferences = {
  locale: Locale;
  textSize: TextSize;
  autoLockMinutes: number;
  lastVault: string | null;
};

export const DEFAULTS: Readonly<Preferences> = {
  locale: "ja",
  textSize: "normal",
  autoLockMinutes: 10,
  lastVault: null,
};

const KEY = "kasane.preferences.v1";

/** The subset of Storage used here, so tests can pass a plain object. */
export type KeyValueStore = Pick<Storage, "getItem" | "setItem">;

/** Reads preferences, keeping only values that are valid (a hand-edited or old entry cannot break the window). */
export function parsePreferences(raw: string | null): Preferences {
  const out: Preferences = { ...DEFAULTS };
  if (!raw) return out;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return out;
  }
  if (typeof data !== "object" || data === null) return out;
  const d = data as Record<string, unknown>;
  if (d.locale === "ja" || d.locale === "en") out.locale = d.locale;
  if (typeof d.textSize === "string" && (TEXT_SIZES as readonly string[]).includes(d.textSize)) {
    out.textSize = d.textSize as TextSize;
  }
  if (typeof d.autoLockMinutes === "number" && AUTO_LOCK_MINUTES.includes(d.autoLockMinutes)) {
    out.autoLockMinutes = d.autoLockMinutes;
  }
  if (typeof d.lastVault === "string" && d.lastVault.length > 0) out.lastVault = d.lastVault;
  return out;
}

export const preferences = $state<Preferences>({ ...DEFAULTS });

let store: KeyValueStore | null = null;

function save(): void {
  store?.setItem(KEY, JSON.stringify(preferences));
}

/** Root font sizes for the text-size setting; every size in the UI is in rem. */
export const ROOT_FONT_PERCENT: Readonly<Record<TextSize, number>> = { normal: 100, large: 118.75, xlarge: 137.5 };

function apply(): void {
  setLocale(preferences.locale);
  if (typeof document !== "undefined") {
    // CSSOM, not a style attribute: allowed by the window's CSP.
    document.documentElement.style.fontSize = `${ROOT_FONT_PERCENT[preferences.textSize]}%`;
    document.documentElement.dataset.textSize = preferences.textSize;
  }
}

export function loadPreferences(from: KeyValueStore): void {
  store = from;
  Object.assign(preferences, parsePreferences(from.getItem(KEY)));
  apply();
}

export function setPreference<K extends keyof Preferences>(key: K, value: Preferences[K]): void {
  preferences[key] = value;
  save();
  apply();
}
