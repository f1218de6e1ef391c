// The current language and the lookup every component uses. Japanese is the default; the choice
// is a reactive value, so switching re-renders every text at once without a reload.
import { en } from "./en";
import { ja } from "./ja";

export type Locale = "ja" | "en";
export type MessageKey = keyof typeof ja;
export type Params = Readonly<Record<string, string | number>>;

const catalogs: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { ja, en };

export const i18n = $state<{ locale: Locale }>({ locale: "ja" });

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(ja, key);
}

/** Replaces {name} with params.name; unknown placeholders stay visible so a missing one is noticed. */
export function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  return format(catalogs[locale][key], params);
}

export function t(key: MessageKey, params?: Params): string {
  return translate(i18n.locale, key, params);
}

export function setLocale(locale: Locale): void {
  i18n.locale = locale;
  if (typeof document !== "undefined") {
    // The lang attribute picks Japanese glyph shapes for kanji shared with Chinese.
    document.documentElement.lang = locale;
  }
}
