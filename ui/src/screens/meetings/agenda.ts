// Pure agenda logic for the meeting page: totals, moving an item (buttons, Alt+arrows, drag and
// drop all end in the same move), minutes typed by hand, and what finalising will ask about.

export type Locale = "ja" | "en";

/** The sum of the items' minutes. */
export function totalMinutes(items: readonly { minutes: number }[]): number {
  return items.reduce((sum, i) => sum + i.minutes, 0);
}

/** "25分", "1時間5分" / "25 min", "1 h 5 min". */
export function formatMinutes(locale: Locale, minutes: number): string {
  const m = Math.max(0, Math.round(minutes));
  const h = Math.floor(m / 60);
  const rest = m % 60;
  if (locale === "ja") {
    if (h === 0) return `${rest}分`;
    return rest === 0 ? `${h}時間` : `${h}時間${rest}分`;
  }
  if (h === 0) return `${rest} min`;
  return rest === 0 ? `${h} h` : `${h} h ${rest} min`;
}

/** The list with the item at `from` moved to index `to` (clamped); the same list when nothing moves. */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  if (from < 0 || from >= out.length) return out;
  const target = Math.max(0, Math.min(out.length - 1, to));
  if (target === from) return out;
  const [item] = out.splice(from, 1) as [T];
  out.splice(target, 0, item);
  return out;
}

/** Alt+ArrowUp / Alt+ArrowDown on a focused row: -1 / +1; anything else: 0. */
export function keyMove(e: { key: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }): -1 | 0 | 1 {
  if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return 0;
  if (e.key === "ArrowUp") return -1;
  if (e.key === "ArrowDown") return 1;
  return 0;
}

/** The engine's position (1 = first) for a drop onto row `over` of an item dragged from `from`. */
export function dropPosition(from: number, over: number, length: number): number | null {
  if (from === over || from < 0 || over < 0 || from >= length || over >= length) return null;
  return over + 1;
}

/** Minutes as typed ("15", "１５", " 20 分"): a whole number 1–240, else null. */
export function parseMinutes(text: string): number | null {
  const ascii = text.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/分|min/gi, "");
  const t = ascii.trim();
  if (!/^\d{1,3}$/.test(t)) return null;
  const n = Number(t);
  return n >= 1 && n <= 240 ? n : null;
}

/** Items finalising will refuse: no next review date (and the case is not being closed). */
export function lackingReview<T extends { needs_review_date: boolean }>(items: readonly T[]): T[] {
  return items.filter((i) => i.needs_review_date);
}

/** Decisions typed one per line. */
export function decisionLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** "14:00", "9:05", "１４：００" → "14:00" / "09:05"; blank → ""; anything else → null. */
export function normaliseTime(text: string): string | null {
  const ascii = text
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/：/g, ":")
    .trim();
  if (ascii === "") return "";
  const m = /^(\d{1,2}):(\d{2})$/.exec(ascii);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return null;
  return `${String(h).padStart(2, "0")}:${m[2]}`;
}

/** Proposals shown at first (the engine's PROPOSALS_SHOWN); each "show more" adds as many again. */
export const PROPOSALS_SHOWN = 20;

/** What a proposal's reason says beside its label, in the window's language: the engine's words
 *  (dates in 和暦) in Japanese; in English the same facts from the reason's fields. */
export function reasonDetail(
  locale: Locale,
  r: { code: string; detail: string; date: { iso: string } | null; agencies: readonly string[]; texts: readonly string[] },
  agencyName: (id: string) => string,
): string {
  if (locale === "ja") return r.detail;
  const date = r.date?.iso ?? "";
  switch (r.code) {
    case "review-due":
      return `next review ${date}`;
    case "new-case":
      return `opened ${date}`;
    case "overdue-actions":
      return `${r.texts.join("; ")} (${r.agencies.map(agencyName).join(", ")}; first due ${date})`;
    default:
      return `${r.agencies.map(agencyName).join(", ")}: ${r.texts.join("; ")}`;
  }
}
