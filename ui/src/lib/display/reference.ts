// Labels for the codes records store (districts, problems), in the current language, from the
// city's reference data the engine provides.
import type { Reference } from "../backend/types/Reference";
import type { Locale } from "../i18n/index.svelte";

export function districtLabel(ref: Reference | null, code: string, locale: Locale): string {
  const d = ref?.districts.find((x) => x.code === code);
  if (!d) return code;
  // The city's list names sub-areas in Japanese only; English shows the area, then the local name.
  return locale === "ja" ? d.name_ja : `${d.area_en} — ${d.name_ja}`;
}

export function problemLabel(ref: Reference | null, code: string, locale: Locale): string {
  const p = ref?.problems.find((x) => x.code === code);
  if (!p) return code;
  return locale === "ja" ? p.label_ja : p.label_en;
}

/** Problems grouped as the city's taxonomy groups them, in its order. */
export function problemGroups(ref: Reference | null): { group: string; codes: string[] }[] {
  const out: { group: string; codes: string[] }[] = [];
  for (const p of ref?.problems ?? []) {
    let g = out.find((x) => x.group === p.group);
    if (!g) {
      g = { group: p.group, codes: [] };
      out.push(g);
    }
    g.codes.push(p.code);
  }
  return out;
}
