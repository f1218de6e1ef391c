// Wording the activity record (操作の記録): each action code the engine writes has a name in the
// catalogs; a code without one (written by a newer version of Kasane) is shown as it was written,
// so no entry is ever hidden behind a blank.
import type { AuditEntryView } from "../backend/types/AuditEntryView";
import type { AuditKind } from "../backend/types/AuditKind";
import { type Locale, isMessageKey, translate } from "../i18n/index.svelte";
import { dateText } from "./dates";

/** The kinds of action in the order the filter offers them (the engine's order). */
export const AUDIT_KINDS = [
  "view",
  "household",
  "case",
  "share",
  "meeting",
  "exchange",
  "print",
  "open",
  "settings",
  "other",
] as const satisfies readonly AuditKind[];

// Fails to compile when the engine adds a kind this list does not offer.
type Unlisted = Exclude<AuditKind, (typeof AUDIT_KINDS)[number]>;
const everyKindListed: Unlisted extends never ? true : never = true;
void everyKindListed;

export function kindText(locale: Locale, kind: AuditKind): string {
  return translate(locale, `audit.kind.${kind}`);
}

/** The action's name, or its code when this build has none for it. */
export function actionText(locale: Locale, action: string): string {
  const key = `audit.action.${action}`;
  return isMessageKey(key) ? translate(locale, key) : action;
}

/** "令和8年11月25日 10:00" in Japanese, "2026-11-25 10:00" in English. */
export function whenText(locale: Locale, e: Pick<AuditEntryView, "date" | "time">): string {
  return `${dateText(e.date, locale)} ${e.time}`;
}
