import { describe, expect, it } from "vitest";

import { en, enParts } from "./en";
import { format, isMessageKey, translate } from "./index.svelte";
import { ja, jaParts } from "./ja";

const placeholders = (s: string) => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

describe("catalogs", () => {
  it("are their areas put together, each key in exactly one area", () => {
    for (const [name, parts, merged] of [
      ["ja", jaParts, ja],
      ["en", enParts, en],
    ] as const) {
      const seen = new Map<string, string>();
      const twice: string[] = [];
      for (const [area, texts] of Object.entries(parts)) {
        for (const key of Object.keys(texts)) {
          if (seen.has(key)) twice.push(`${key} (${seen.get(key)}, ${area})`);
          seen.set(key, area);
        }
      }
      expect(twice, `${name}: keys in two areas (one would hide the other)`).toEqual([]);
      expect([...seen.keys()].sort(), `${name}: the merged catalog is every area's keys`).toEqual(Object.keys(merged).sort());
    }
  });

  it("put each key in the same area in both languages", () => {
    expect(Object.keys(enParts).sort()).toEqual(Object.keys(jaParts).sort());
    for (const [area, texts] of Object.entries(jaParts)) {
      const enTexts = enParts[area as keyof typeof enParts];
      expect(Object.keys(enTexts).sort(), `en/${area}.ts has the keys of ja/${area}.ts`).toEqual(Object.keys(texts).sort());
    }
  });

  it("have exactly the same keys, so switching language never shows a missing text", () => {
    const jaKeys = Object.keys(ja).sort();
    const enKeys = Object.keys(en).sort();
    expect(enKeys.filter((k) => !jaKeys.includes(k)), "keys only in en").toEqual([]);
    expect(jaKeys.filter((k) => !enKeys.includes(k)), "keys only in ja").toEqual([]);
  });

  it("have no empty text in either language", () => {
    for (const [name, catalog] of [
      ["ja", ja],
      ["en", en],
    ] as const) {
      const empty = Object.entries(catalog).filter(([, v]) => v.trim().length === 0);
      expect(empty.map(([k]) => k), `empty texts in ${name}`).toEqual([]);
    }
  });

  it("use the same placeholders in both languages, so no value is dropped in translation", () => {
    const differing = Object.keys(ja).filter((k) => {
      const key = k as keyof typeof ja;
      return placeholders(ja[key]).join() !== placeholders(en[key]).join();
    });
    expect(differing, "keys whose {placeholders} differ between ja and en").toEqual([]);
  });

  it("keep Japanese in the Japanese catalog (a copied English text is a translation gap)", () => {
    const allowedLatin = new Set(["app.name", "common.details"]);
    const latinOnly = Object.entries(ja).filter(
      ([k, v]) => {
        const text = v.replace(/\{\w+\}/g, "");
        return !allowedLatin.has(k) && !/[\u3040-\u30ff\u4e00-\u9fff]/u.test(text) && /[a-z]{3,}/i.test(text);
      },
    );
    expect(latinOnly.map(([k]) => k), "ja texts without any Japanese").toEqual([]);
  });
});

describe("format", () => {
  it("fills placeholders and leaves unknown ones visible", () => {
    expect(format("{a}と{b}", { a: "母", b: 3 })).toBe("母と3");
    expect(format("{missing}です", {})).toBe("{missing}です");
  });

  it("translates into the language asked for", () => {
    expect(translate("ja", "nav.lock")).toBe("ロック");
    expect(translate("en", "nav.lock")).toBe("Lock");
    expect(isMessageKey("nav.lock")).toBe(true);
    expect(isMessageKey("nav.nothing")).toBe(false);
  });
});
