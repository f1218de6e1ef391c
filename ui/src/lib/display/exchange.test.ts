import { describe, expect, it } from "vitest";

import type { ConflictValueView } from "../backend/types/ConflictValueView";
import type { ImportSummaryView } from "../backend/types/ImportSummaryView";
import {
  compareGroups,
  conflictFieldText,
  conflictValueText,
  digitsOf,
  heardGroups,
  reasonText,
  sizeText,
  summaryLines,
  verdictOf,
  verdictText,
} from "./exchange";

const fp = ["12345", "67890", "11111", "22222", "33333", "44444"];

describe("fingerprint comparison", () => {
  it("reads full-width digits and ignores spaces and dashes", () => {
    expect(digitsOf("１２３４５ 67890-1")).toBe("12345678901");
    expect(heardGroups("１２３４５６７８９０ 111")).toEqual(["12345", "67890", "111"]);
  });

  it("judges each group only once its five digits are typed", () => {
    expect(compareGroups(fp, "12345 6789")).toEqual(["match", "pending", "pending", "pending", "pending", "pending"]);
    expect(compareGroups(fp, "12345 67891")).toEqual(["match", "mismatch", "pending", "pending", "pending", "pending"]);
    expect(compareGroups(fp, fp.join(""))).toEqual(Array(6).fill("match"));
  });

  it("gives one verdict: all, how many mismatch, or how far along", () => {
    expect(verdictOf(compareGroups(fp, fp.join(" ")))).toEqual({ kind: "all" });
    expect(verdictOf(compareGroups(fp, "99999 67890 11112"))).toEqual({ kind: "mismatch", n: 2 });
    expect(verdictOf(compareGroups(fp, "12345"))).toEqual({ kind: "pending", compared: 1 });
    expect(verdictText("ja", { kind: "mismatch", n: 2 })).toContain("2組に不一致");
    expect(verdictText("ja", { kind: "all" })).toBe("6組すべて一致しています");
  });
});

const summary: ImportSummaryView = {
  bundle: "b",
  sender_agency_name: "生活福祉課",
  status: "applied",
  segments: 3,
  ops_new: 12,
  ops_known: 0,
  records_new: 4,
  records_changed: 2,
  conflicts: 1,
  held: [],
  quarantined: [{ kind: "gap", count: 2 }],
  released: 0,
  acks_learned: 3,
  purged: 0,
  future_ops: 0,
  key_changes: 0,
};

describe("import summary wording", () => {
  it("names the sender, the counts and the differing entries with the words 内容の食い違い", () => {
    const lines = summaryLines("ja", summary);
    expect(lines[0]).toBe("生活福祉課からの連携ファイルを取り込みました");
    expect(lines[1]).toBe("新しい記録 4件・変更された記録 2件・新しい操作 12件");
    expect(lines[2]).toContain("内容の食い違い 1件");
    expect(lines).toContain("保留 2区切り");
    expect(lines.some((l) => l.includes("3件"))).toBe(true);
  });

  it("says there are no differing entries, and says only one line for an exchange file already imported", () => {
    expect(summaryLines("ja", { ...summary, conflicts: 0 })).toContain("内容の食い違いはありません");
    expect(summaryLines("ja", { ...summary, status: "already-imported" })).toHaveLength(1);
    expect(summaryLines("en", { ...summary, sender_agency_name: null })[0]).toBe("Imported the exchange file from the partner");
  });
});

describe("conflict wording", () => {
  const value = (over: Partial<ConflictValueView>): ConflictValueView => ({
    op: "o",
    json: '""',
    text: null,
    date: null,
    agency_name: null,
    worker_name: null,
    at_ms: 0,
    ...over,
  });

  it("names fields in Japanese, known or shared, and leaves unknown ones", () => {
    expect(conflictFieldText("ja", "next_review")).toBe("次回見直し日");
    expect(conflictFieldText("ja", "risk")).toBe("緊急度");
    expect(conflictFieldText("ja", "title")).toBe("タイトル");
    expect(conflictFieldText("ja", "whatever")).toBe("whatever");
  });

  it("shows dates in 和暦, risks by name and blank text as blank", () => {
    expect(conflictValueText("ja", "next_review", value({ date: { iso: "2026-12-01", wareki: "令和8年12月1日" } }))).toBe(
      "令和8年12月1日",
    );
    expect(conflictValueText("ja", "risk", value({ text: "high", json: '"high"' }))).toBe("高");
    expect(conflictValueText("ja", "label", value({ text: " ", json: '" "' }))).toBe("（空欄）");
    expect(conflictValueText("ja", "key_person", value({ json: "null" }))).toBe("未設定");
  });

  it("explains quarantine reasons in Japanese, with a fallback", () => {
    expect(reasonText("ja", "unverified-sender")).toContain("照合番号");
    expect(reasonText("ja", "something-new")).toBe("適用していません");
  });

  it("writes sizes in KB or MB", () => {
    expect(sizeText("ja", 2048)).toBe("2 KB");
    expect(sizeText("en", 3 * 1024 * 1024)).toBe("3.0 MB");
  });
});
