// Showing dates and ages. The engine computes ISO and 和暦 for every date it returns; these helpers
// only choose how to show them and how far a review date is from the engine's "today".
import type { AgeView } from "../backend/types/AgeView";
import type { DateView } from "../backend/types/DateView";
import type { Locale } from "../i18n/index.svelte";

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of an ISO "YYYY-MM-DD", or null for anything else (partial dates). */
export function dayNumber(iso: string): number | null {
  const m = ISO_DAY.exec(iso);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Math.round(ms / 86_400_000);
}

/** Whole days from `from` to `to` (negative when `to` is earlier); null when either is not a full date. */
export function daysBetween(from: string, to: string): number | null {
  const a = dayNumber(from);
  const b = dayNumber(to);
  return a === null || b === null ? null : b - a;
}

export type Due =
  | { kind: "overdue"; days: number }
  | { kind: "today"; days: 0 }
  | { kind: "soon"; days: number }
  | { kind: "later"; days: number }
  | { kind: "unscheduled" };

/** Reviews within this many days count as "soon" on the home screen. */
export const SOON_DAYS = 14;

/** Where a review date stands relative to today. */
export function dueOf(nextReview: DateView | null, today: DateView): Due {
  if (!nextReview) return { kind: "unscheduled" };
  const days = daysBetween(today.iso, nextReview.iso);
  if (days === null) return { kind: "unscheduled" };
  if (days < 0) return { kind: "overdue", days: -days };
  if (days === 0) return { kind: "today", days: 0 };
  if (days <= SOON_DAYS) return { kind: "soon", days };
  return { kind: "later", days };
}

/** The main text of a date: 和暦 in Japanese (what case records use), ISO in English. */
export function dateText(d: DateView, locale: Locale): string {
  return locale === "ja" ? d.wareki : d.iso;
}

/** The other form, shown beside the main one in smaller type. */
export function dateAside(d: DateView, locale: Locale): string {
  return locale === "ja" ? d.iso : d.wareki;
}

/** "84" or "84–85" (a range when only the birth year or month is known); the unit comes from the catalog. */
export function ageParams(age: AgeView): { exact: true; n: number } | { exact: false; min: number; max: number } {
  return age.min === age.max ? { exact: true, n: age.min } : { exact: false, min: age.min, max: age.max };
}
