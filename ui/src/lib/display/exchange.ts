// Pure helpers of the exchange and conflicts screens: comparing a fingerprint heard by phone with
// the one on screen, group by group; wording an import summary; sizes, times, and the Japanese
// names of records, fields and quarantine reasons.
import type { ConflictValueView } from "../backend/types/ConflictValueView";
import type { ImportSummaryView } from "../backend/types/ImportSummaryView";
import { type Locale, type MessageKey, isMessageKey, translate } from "../i18n/index.svelte";

export type GroupState = "match" | "mismatch" | "pending";

/** Digits only, full-width digits (as a Japanese IME types them) read as ASCII. */
export function digitsOf(text: string): string {
  let out = "";
  for (const c of text) {
    const code = c.codePointAt(0) ?? 0;
    if (code >= 0xff10 && code <= 0xff19) out += String.fromCharCode(code - 0xff10 + 0x30);
    else if (c >= "0" && c <= "9") out += c;
  }
  return out;
}

/** What was typed, cut into groups of five digits (the last may be shorter), at most six. */
export function heardGroups(text: string): string[] {
  const d = digitsOf(text).slice(0, 30);
  const out: string[] = [];
  for (let i = 0; i < d.length; i += 5) out.push(d.slice(i, i + 5));
  return out;
}

/** Each expected group against what was heard: a group is judged only once all five digits are typed. */
export function compareGroups(expected: readonly string[], heard: string): GroupState[] {
  const got = heardGroups(heard);
  return expected.map((g, i) => {
    const h = got[i];
    if (h === undefined || h.length < 5) return "pending";
    return h === g ? "match" : "mismatch";
  });
}

export type Verdict = { kind: "all" } | { kind: "mismatch"; n: number } | { kind: "pending"; compared: number };

export function verdictOf(states: readonly GroupState[]): Verdict {
  const mismatches = states.filter((s) => s === "mismatch").length;
  if (mismatches > 0) return { kind: "mismatch", n: mismatches };
  const compared = states.filter((s) => s === "match").length;
  return compared === states.length && states.length > 0 ? { kind: "all" } : { kind: "pending", compared };
}

export function verdictText(locale: Locale, v: Verdict): string {
  switch (v.kind) {
    case "all":
      return translate(locale, "exchange.compareAll");
    case "mismatch":
      return translate(locale, "exchange.compareSome", { n: v.n });
    case "pending":
      return translate(locale, "exchange.comparePending", { n: v.compared });
  }
}

export function sizeText(locale: Locale, bytes: number): string {
  if (bytes >= 1024 * 1024) return translate(locale, "size.mb", { n: (bytes / (1024 * 1024)).toFixed(1) });
  return translate(locale, "size.kb", { n: Math.max(1, Math.round(bytes / 1024)) });
}

/** Milliseconds since 1970 as a local date and time: "2026/11/25 18:40" (ja) or "2026-11-25 18:40". */
export function timeText(locale: Locale, ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  const sep = locale === "ja" ? "/" : "-";
  return `${d.getFullYear()}${sep}${p(d.getMonth() + 1)}${sep}${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

function keyOr(prefix: string, code: string, fallback: MessageKey): MessageKey {
  const key = `${prefix}.${code}`;
  return isMessageKey(key) ? key : fallback;
}

export function reasonText(locale: Locale, reason: string): string {
  return translate(locale, keyOr("quarantine.reason", reason, "quarantine.reason.other"));
}

export function phaseText(locale: Locale, phase: string): string {
  return translate(locale, keyOr("bundle.phase", phase, "bundle.phase.other"));
}

export function scopeText(locale: Locale, kind: string): string {
  return translate(locale, keyOr("scope", kind, "scope.other"));
}

export function etypeText(locale: Locale, etype: string): string {
  return translate(locale, keyOr("etype", etype, "etype.other"));
}

/** The engine's field name ("next_review") in words; unknown fields stay as they are. */
export function conflictFieldText(locale: Locale, field: string): string {
  const own = `cfield.${field}`;
  if (isMessageKey(own)) return translate(locale, own);
  const shared = `field.${field.replace(/_/g, "-")}`;
  return isMessageKey(shared) ? translate(locale, shared) : field;
}

/** A value of a field in conflict as a person reads it. */
export function conflictValueText(locale: Locale, field: string, v: ConflictValueView): string {
  if (v.date) return locale === "ja" ? v.date.wareki : v.date.iso;
  if (v.text !== null) {
    if (v.text.trim() === "") return translate(locale, "conflicts.empty-value");
    const coded = field === "risk" ? `risk.${v.text}` : field === "status" ? `caseStatus.${v.text}` : "";
    return coded && isMessageKey(coded) ? translate(locale, coded) : v.text;
  }
  if (v.json === "null") return translate(locale, "common.notSet");
  return v.json;
}

/** The lines of an import result, most important first. Conflicts are always named. */
export function summaryLines(locale: Locale, s: ImportSummaryView): string[] {
  const agency = s.sender_agency_name ?? translate(locale, "exchange.unknownAgency");
  const lines = [translate(locale, `exchange.summary.${s.status}`, { agency })];
  if (s.status === "already-imported" || s.status === "needs-update") return lines;
  lines.push(
    translate(locale, "exchange.summary.counts", { new: s.records_new, changed: s.records_changed, ops: s.ops_new }),
  );
  lines.push(
    s.conflicts > 0
      ? translate(locale, "exchange.summary.conflicts", { n: s.conflicts })
      : translate(locale, "exchange.summary.noConflicts"),
  );
  const sum = (list: { count: number }[]) => list.reduce((a, k) => a + k.count, 0);
  const quarantined = sum(s.quarantined);
  if (quarantined > 0) lines.push(translate(locale, "exchange.summary.quarantinedCount", { n: quarantined }));
  const held = sum(s.held);
  if (held > 0) lines.push(translate(locale, "exchange.summary.held", { n: held }));
  if (s.released > 0) lines.push(translate(locale, "exchange.summary.released", { n: s.released }));
  if (s.acks_learned > 0) lines.push(translate(locale, "exchange.summary.acks", { n: s.acks_learned }));
  if (s.purged > 0) lines.push(translate(locale, "exchange.summary.purged", { n: s.purged }));
  if (s.key_changes > 0) lines.push(translate(locale, "exchange.summary.keyChanges", { n: s.key_changes }));
  return lines;
}
