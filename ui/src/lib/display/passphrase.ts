// A hint about how guessable a new passphrase is. The engine enforces only the minimum length;
// this is advice shown while typing, not a rule.

export type Strength = "too-short" | "weak" | "fair" | "strong";

const COMMON = ["password", "passw0rd", "12345678", "123456789", "qwertyui", "kasane", "abcdefgh", "11111111", "iloveyou"];

/** Characters as people count them (a kanji or an emoji is one). */
export function charCount(p: string): number {
  return [...p].length;
}

function classes(p: string): number {
  const tests = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^\p{L}\p{N}\s]/u, /[\u3040-\u30ff\u4e00-\u9fff]/u, /\s/];
  return tests.filter((re) => re.test(p)).length;
}

function words(p: string): number {
  return p.trim().split(/\s+/).filter((w) => w.length > 0).length;
}

function isRepetitive(p: string): boolean {
  const chars = [...p];
  return new Set(chars).size <= Math.max(2, Math.floor(chars.length / 4));
}

export function strengthOf(p: string, minChars: number): { strength: Strength; missing: number } {
  // As the engine counts: spaces at either end (the full-width one too) do not count.
  const n = charCount(p.trim());
  if (n < minChars) return { strength: "too-short", missing: minChars - n };
  const lower = p.toLowerCase();
  if (isRepetitive(p) || COMMON.some((c) => lower.includes(c) && n < c.length + 6)) {
    return { strength: "weak", missing: 0 };
  }
  // Japanese text carries more per character than Latin letters.
  const japanese = /[\u3040-\u30ff\u4e00-\u9fff]/u.test(p);
  const effective = japanese ? n * 2 : n;
  if (effective >= 20 || (words(p) >= 4 && effective >= 16)) return { strength: "strong", missing: 0 };
  if (effective >= 12 && (classes(p) >= 2 || japanese)) return { strength: "fair", missing: 0 };
  return { strength: "weak", missing: 0 };
}
