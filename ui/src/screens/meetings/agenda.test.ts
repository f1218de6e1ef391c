import { describe, expect, it } from "vitest";

import {
  decisionLines,
  dropPosition,
  formatMinutes,
  keyMove,
  lackingReview,
  moveItem,
  normaliseTime,
  parseMinutes,
  reasonDetail,
  totalMinutes,
} from "./agenda";

const key = (k: string, mods: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }> = {}) => ({
  key: k,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
});

describe("agenda", () => {
  it("adds up the minutes and writes them as people read them", () => {
    expect(totalMinutes([])).toBe(0);
    expect(totalMinutes([{ minutes: 10 }, { minutes: 15 }])).toBe(25);
    expect(formatMinutes("ja", 25)).toBe("25分");
    expect(formatMinutes("ja", 60)).toBe("1時間");
    expect(formatMinutes("ja", 65)).toBe("1時間5分");
    expect(formatMinutes("en", 25)).toBe("25 min");
    expect(formatMinutes("en", 125)).toBe("2 h 5 min");
  });

  it("moves an item up, down, to the ends, and not past them", () => {
    const l = ["a", "b", "c", "d"];
    expect(moveItem(l, 2, 1)).toEqual(["a", "c", "b", "d"]);
    expect(moveItem(l, 0, 3)).toEqual(["b", "c", "d", "a"]);
    expect(moveItem(l, 0, -1)).toEqual(l);
    expect(moveItem(l, 3, 9)).toEqual(l);
    expect(moveItem(l, 7, 0)).toEqual(l);
    expect(l, "the original list is not changed").toEqual(["a", "b", "c", "d"]);
  });

  it("reads Alt+arrows and only those", () => {
    expect(keyMove(key("ArrowUp", { altKey: true }))).toBe(-1);
    expect(keyMove(key("ArrowDown", { altKey: true }))).toBe(1);
    expect(keyMove(key("ArrowDown"))).toBe(0);
    expect(keyMove(key("ArrowUp", { altKey: true, shiftKey: true }))).toBe(0);
    expect(keyMove(key("Enter", { altKey: true }))).toBe(0);
  });

  it("turns a drop into the engine's 1-based position", () => {
    expect(dropPosition(0, 2, 4)).toBe(3);
    expect(dropPosition(3, 0, 4)).toBe(1);
    expect(dropPosition(1, 1, 4)).toBeNull();
    expect(dropPosition(1, 4, 4)).toBeNull();
  });

  it("reads minutes typed with full-width digits or a unit, within 1–240", () => {
    expect(parseMinutes("15")).toBe(15);
    expect(parseMinutes("１５")).toBe(15);
    expect(parseMinutes(" 20 分")).toBe(20);
    expect(parseMinutes("0")).toBeNull();
    expect(parseMinutes("241")).toBeNull();
    expect(parseMinutes("1.5")).toBeNull();
    expect(parseMinutes("")).toBeNull();
  });

  it("lists the items finalising will ask about, and decisions one per line", () => {
    const items = [
      { case: "a", needs_review_date: true },
      { case: "b", needs_review_date: false },
    ];
    expect(lackingReview(items).map((i) => i.case)).toEqual(["a"]);
    expect(decisionLines("包括が訪問する\n\n  家計相談へ同行  \r\n")).toEqual(["包括が訪問する", "家計相談へ同行"]);
  });

  it("normalises a meeting time", () => {
    expect(normaliseTime("14:00")).toBe("14:00");
    expect(normaliseTime("9:05")).toBe("09:05");
    expect(normaliseTime("１４：３０")).toBe("14:30");
    expect(normaliseTime("")).toBe("");
    expect(normaliseTime("25:00")).toBeNull();
    expect(normaliseTime("2pm")).toBeNull();
  });

  it("says a proposal's reason in the window's language, from the engine's fields", () => {
    const names: Record<string, string> = { a: "生活福祉課", b: "Welfare" };
    const name = (id: string) => names[id] ?? id;
    const review = { code: "review-due", detail: "次回見直し 令和8年12月1日", date: { iso: "2026-12-01" }, agencies: [], texts: [] };
    expect(reasonDetail("ja", review, name), "Japanese reads the engine's words, in 和暦").toBe("次回見直し 令和8年12月1日");
    expect(reasonDetail("en", review, name)).toBe("next review 2026-12-01");
    const overdue = {
      code: "overdue-actions",
      detail: "…",
      date: { iso: "2026-11-20" },
      agencies: ["a", "b"],
      texts: ["家計相談への同行", "訪問"],
    };
    expect(reasonDetail("en", overdue, name)).toBe("家計相談への同行; 訪問 (生活福祉課, Welfare; first due 2026-11-20)");
    const asked = { code: "flagged", detail: "…", date: { iso: "2026-11-25" }, agencies: ["a"], texts: ["母の入院"] };
    expect(reasonDetail("en", asked, name)).toBe("生活福祉課: 母の入院");
  });
});
