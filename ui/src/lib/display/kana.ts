// Showing readings. Readings are stored as typed (hiragana or katakana, either width); lists and
// forms show them in full-width katakana, as Japanese forms do for フリガナ.

const HIRAGANA_START = 0x3041;
const HIRAGANA_END = 0x3096;
const KANA_OFFSET = 0x60;

/** Hiragana to katakana; everything else is left as it is. */
export function toKatakana(text: string): string {
  let out = "";
  for (const ch of text.normalize("NFKC")) {
    const code = ch.codePointAt(0) ?? 0;
    out += code >= HIRAGANA_START && code <= HIRAGANA_END ? String.fromCodePoint(code + KANA_OFFSET) : ch;
  }
  return out;
}

/** "タカハシ ハル" from the two parts of a reading. */
export function readingOf(familyKana: string, givenKana: string): string {
  return [familyKana, givenKana]
    .map((s) => toKatakana(s.trim()))
    .filter((s) => s.length > 0)
    .join(" ");
}

/** "髙橋 ハル": family name first, with a space, as Japanese records write names. */
export function nameOf(familyName: string, givenName: string): string {
  return [familyName.trim(), givenName.trim()].filter((s) => s.length > 0).join(" ");
}

/** True when the text could be a reading: kana, the long-vowel mark, spaces and the middle dot only. */
export function looksLikeKana(text: string): boolean {
  const t = text.normalize("NFKC").trim();
  return t.length > 0 && /^[\u3041-\u3096\u30a1-\u30fa\u30fc\u30fb\u3099-\u309c\s]+$/u.test(t);
}
