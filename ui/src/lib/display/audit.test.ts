import { describe, expect, it } from "vitest";

import { AUDIT_KINDS, actionText, kindText, whenText } from "./audit";

describe("activity record wording", () => {
  it("names actions in the user's language and shows an unknown code as written", () => {
    expect(actionText("ja", "case.view")).toBe("ケースの閲覧");
    expect(actionText("en", "case.view")).toBe("Case viewed");
    expect(actionText("ja", "meeting.agenda.add")).toBe("検討ケースの追加");
    expect(actionText("ja", "future.thing"), "a code a newer version wrote").toBe("future.thing");
  });

  it("offers every kind with a name in both languages", () => {
    expect(AUDIT_KINDS).toHaveLength(10);
    for (const k of AUDIT_KINDS) {
      expect(kindText("ja", k)).not.toMatch(/^audit\./);
      expect(kindText("en", k)).not.toMatch(/^audit\./);
    }
    expect(kindText("ja", "case")).toBe("ケース");
    expect(kindText("ja", "view")).toBe("閲覧");
  });

  it("shows the day in 和暦 with the time in Japanese, ISO in English", () => {
    const e = { date: { iso: "2026-11-25", wareki: "令和8年11月25日" }, time: "10:05" };
    expect(whenText("ja", e)).toBe("令和8年11月25日 10:05");
    expect(whenText("en", e)).toBe("2026-11-25 10:05");
  });
});
