// Turns a command error into words in the current language: the code through the catalog (falling
// back to its kind), the date problem into a sentence that says what to fix, and the field into
// its label. The engine's English text stays available as the "details" line.
import type { CommandError } from "../backend/types/CommandError";
import type { DateProblem } from "../backend/types/DateProblem";
import { type Locale, type MessageKey, isMessageKey, translate } from "../i18n/index.svelte";

export type ErrorText = {
  /** What happened, in the user's language. */
  message: string;
  /** For date errors: what exactly is wrong with the date. */
  date: string | null;
  /** The field's label, when the engine named one. */
  field: string | null;
  /** The engine's own (English) message. */
  detail: string;
};

/** "2019-05-01" → "2019年5月1日" / "2019-05-01". */
function isoText(locale: Locale, iso: string): string {
  const m = /^(-?\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  return translate(locale, "date.ymd", { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) });
}

export function dateProblemText(locale: Locale, p: DateProblem): string {
  switch (p.reason) {
    case "empty":
      return translate(locale, "date.empty");
    case "unrecognised":
      return translate(locale, "date.unrecognised", { input: p.input });
    case "incomplete":
      return translate(locale, "date.incomplete", { input: p.input });
    case "out-of-range":
      return translate(locale, "date.out-of-range", {
        input: p.input,
        part: translate(locale, `date.part.${p.part}`),
        value: p.value,
        min: p.min,
        max: p.max,
      });
    case "day-not-in-month":
      return translate(locale, "date.day-not-in-month", {
        input: p.input,
        year: p.year,
        month: p.month,
        days: p.days,
      });
    case "not-in-era":
      return translate(locale, `date.not-in-era.${p.issue}`, {
        input: p.input,
        era: translate(locale, `era.${p.era}`),
        start: isoText(locale, p.era_start),
        end: p.era_end ? isoText(locale, p.era_end) : "",
      });
  }
}

/** The engine names fields in English words ("family name reading"); the catalog keys use dashes. */
export function fieldLabel(locale: Locale, field: string): string {
  const key = `field.${field.trim().replace(/\s+/g, "-")}`;
  return isMessageKey(key) ? translate(locale, key) : field;
}

/** Codes whose reason travels in the engine's message (why exactly a change was refused). */
const SPOKEN_BY_ENGINE = new Set(["refused", "input.inconsistent"]);

/** The engine's own sentence in the user's language, when it gave one. */
function engineMessage(locale: Locale, e: CommandError): string | null {
  const text = locale === "ja" ? e.message_ja : e.detail;
  return text.trim() ? text : null;
}

export function errorText(locale: Locale, e: CommandError): ErrorText {
  const byCode = `error.${e.code}`;
  const byKind: MessageKey = `error.kind.${e.kind}`;
  const spoken = engineMessage(locale, e);
  let message: string;
  if (spoken && (SPOKEN_BY_ENGINE.has(e.code) || !isMessageKey(byCode))) message = spoken;
  else message = translate(locale, isMessageKey(byCode) ? byCode : byKind);
  return {
    message,
    date: e.date ? dateProblemText(locale, e.date) : null,
    field: e.field ? fieldLabel(locale, e.field) : null,
    detail: e.detail,
  };
}
