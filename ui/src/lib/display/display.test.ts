import { describe, expect, it } from "vitest";

import type { CommandError } from "../backend/types/CommandError";
import { ageParams, dateAside, dateText, daysBetween, dueOf } from "./dates";
import { errorText, fieldLabel } from "./errors";
import { looksLikeKana, nameOf, readingOf, toKatakana } from "./kana";
import { strengthOf } from "./passphrase";

const today = { iso: "2026-06-14", wareki: "令和8年6月14日" };

describe("dates", () => {
  it("counts days across months and leap years", () => {
    expect(daysBetween("2024-02-28", "2024-03-01")).toBe(2);
    expect(daysBetween("2026-06-14", "2026-06-01")).toBe(-13);
    expect(daysBetween("1940", "2026-06-14"), "a partial date has no day count").toBeNull();
  });

  it("places a review date as overdue, today, soon, later or unscheduled", () => {
    expect(dueOf({ iso: "2026-06-10", wareki: "" }, today)).toEqual({ kind: "overdue", days: 4 });
    expect(dueOf({ iso: "2026-06-14", wareki: "" }, today)).toEqual({ kind: "today", days: 0 });
    expect(dueOf({ iso: "2026-06-28", wareki: "" }, today)).toEqual({ kind: "soon", days: 14 });
    expect(dueOf({ iso: "2026-06-29", wareki: "" }, today)).toEqual({ kind: "later", days: 15 });
    expect(dueOf(null, today)).toEqual({ kind: "unscheduled" });
  });

  it("shows 和暦 first in Japanese and ISO first in English", () => {
    const d = { iso: "1940", wareki: "昭和15年" };
    expect(dateText(d, "ja")).toBe("昭和15年");
    expect(dateAside(d, "ja")).toBe("1940");
    expect(dateText(d, "en")).toBe("1940");
    expect(dateAside(d, "en")).toBe("昭和15年");
  });

  it("gives an exact age or a range for partial birth dates", () => {
    expect(ageParams({ min: 84, max: 84 })).toEqual({ exact: true, n: 84 });
    expect(ageParams({ min: 85, max: 86 })).toEqual({ exact: false, min: 85, max: 86 });
  });
});

describe("kana", () => {
  it("shows readings in full-width katakana whatever was typed", () => {
    expect(toKatakana("たかはし")).toBe("タカハシ");
    expect(toKatakana("ﾀｶﾊｼ")).toBe("タカハシ");
    expect(toKatakana("さいとう ゔぁ")).toBe("サイトウ ヴァ");
    expect(readingOf("たかはし", " はる ")).toBe("タカハシ ハル");
    expect(readingOf("タカハシ", "")).toBe("タカハシ");
  });

  it("writes names family name first", () => {
    expect(nameOf("髙橋", "ハル")).toBe("髙橋 ハル");
    expect(nameOf("髙橋", "")).toBe("髙橋");
  });

  it("recognises what can be a reading", () => {
    expect(looksLikeKana("たかはし")).toBe(true);
    expect(looksLikeKana("タカハシ ハル")).toBe(true);
    expect(looksLikeKana("ｻﾄｳ")).toBe(true);
    expect(looksLikeKana("高橋")).toBe(false);
    expect(looksLikeKana("sato")).toBe(false);
    expect(looksLikeKana("  ")).toBe(false);
  });
});

describe("passphrase strength", () => {
  it("counts characters as people do and says how many are missing", () => {
    expect(strengthOf("abc", 8)).toEqual({ strength: "too-short", missing: 5 });
    expect(strengthOf("海は青い", 8)).toEqual({ strength: "too-short", missing: 4 });
  });

  it("does not count spaces at either end, as the engine refuses a blank passphrase", () => {
    expect(strengthOf("        ", 8)).toEqual({ strength: "too-short", missing: 8 });
    expect(strengthOf("\u3000".repeat(10), 8)).toEqual({ strength: "too-short", missing: 8 });
    expect(strengthOf("  abc   ", 8)).toEqual({ strength: "too-short", missing: 5 });
  });

  it("calls common and repetitive passphrases weak", () => {
    expect(strengthOf("password", 8).strength).toBe("weak");
    expect(strengthOf("aaaaaaaaaaaa", 8).strength).toBe("weak");
    expect(strengthOf("12345678", 8).strength).toBe("weak");
  });

  it("rewards length and word combinations, counting Japanese text as denser", () => {
    expect(strengthOf("Kamome-42x", 8).strength).toBe("weak");
    expect(strengthOf("Kamome-42xyz", 8).strength).toBe("fair");
    expect(strengthOf("the morning sea is calm", 8).strength).toBe("strong");
    expect(strengthOf("朝の海は静かで青い", 8).strength).toBe("fair");
    expect(strengthOf("朝の海は静かで青い空と白い雲", 8).strength).toBe("strong");
  });
});

describe("error text", () => {
  const base: CommandError = {
    code: "",
    kind: "bad-input",
    detail: "engine text",
    message_ja: "",
    field: null,
    date: null,
  };

  it("translates known codes and keeps the engine's text as detail", () => {
    const e = errorText("ja", { ...base, code: "key.wrong-passphrase", kind: "auth" });
    expect(e.message).toBe("パスワードが違います。");
    expect(e.detail).toBe("engine text");
    expect(errorText("en", { ...base, code: "key.wrong-passphrase", kind: "auth" }).message).toBe(
      "That password is not correct.",
    );
  });

  it("says why a change was refused in the engine's own words, in the user's language", () => {
    const refused = {
      ...base,
      code: "refused",
      kind: "refused" as const,
      detail: "only the agency that wrote this note can change it",
      message_ja: "この記録を書いた機関だけが変更できます",
    };
    expect(errorText("ja", refused).message, "the catalog's generic sentence would hide the reason").toBe(
      "この記録を書いた機関だけが変更できます",
    );
    expect(errorText("en", refused).message).toBe("only the agency that wrote this note can change it");
  });

  it("uses the engine's sentence for a code the catalogs do not have", () => {
    expect(errorText("ja", { ...base, code: "share.new-thing", kind: "refused", message_ja: "共有できません" }).message).toBe(
      "共有できません",
    );
  });

  it("falls back to the kind for a code the catalogs do not know yet", () => {
    expect(errorText("ja", { ...base, code: "bundle.new-thing", kind: "rejected" }).message).toBe(
      "受け取ったファイルを受け付けられませんでした。",
    );
  });

  it("explains a 和暦 date outside its era with the era's first day", () => {
    const e = errorText("ja", {
      ...base,
      code: "input.bad-date",
      field: "birth",
      date: {
        reason: "not-in-era",
        input: "R1.4.30",
        era: "reiwa",
        issue: "before-start",
        era_start: "2019-05-01",
        era_end: null,
      },
    });
    expect(e.date).toBe("「R1.4.30」は令和の期間より前です。令和は2019年5月1日に始まりました。");
    expect(e.field).toBe("生年月日");
  });

  it("explains a day that is not in the month", () => {
    const e = errorText("en", {
      ...base,
      code: "input.bad-date",
      date: { reason: "day-not-in-month", input: "2023-02-29", year: 2023, month: 2, days: 28 },
    });
    expect(e.date).toBe("“2023-02-29”: month 2 of 2023 has 28 days.");
  });

  it("labels the engine's field names and keeps unknown ones as they are", () => {
    expect(fieldLabel("ja", "family name reading")).toBe("氏のよみ");
    expect(fieldLabel("en", "next review")).toBe("Next review");
    expect(fieldLabel("ja", "something new")).toBe("something new");
  });
});
