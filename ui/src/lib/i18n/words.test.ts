/// <reference types="node" />
// The words on screen are the words case workers use (../shared/domain/practice.md, "Words"):
// 記録データ, パスワード, 照合番号, 連携ファイル, 出力, 検討ケース, 座長, 緊急度, 支援プラン,
// 進行管理台帳, 内容の食い違い, 援助拒否 — never the IT words they replaced. This test keeps those
// words out of the Japanese catalog and out of any Japanese text written straight into a
// component, so they cannot come back unnoticed.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

import { describe, expect, it } from "vitest";

import { ja, jaParts } from "./ja";

type Forbidden = { word: string; use: string; pattern: RegExp };

const forbidden: Forbidden[] = [
  ["保管庫", "記録データ（ケース記録）"],
  ["パスフレーズ", "パスワード（長めの文）"],
  ["回復コード", "復旧用コード"],
  ["メンバーカード", "機関確認ファイル"],
  ["名刺", "機関確認ファイル"],
  ["フィンガープリント", "照合番号"],
  ["指紋", "照合番号"],
  ["バンドル", "連携ファイル"],
  ["記録の束", "連携ファイル"],
  ["会議パック", "機関別会議資料ファイル"],
  ["競合", "内容の食い違い"],
  ["アーカイブ", "一覧から外す（記録は保存）"],
  ["書き出", "出力する"],
  ["会議モード", "会議中の記録"],
  ["支援計画", "支援プラン"],
  ["リスク", "緊急度"],
  ["司会", "座長（進行）"],
  ["接触を望まない", "関わり・連絡を拒否（援助拒否）"],
  ["連絡を望まない", "関わり・連絡を拒否（援助拒否）"],
  ["議題", "検討ケース"],
]
  .map(([word, use]) => ({ word: word!, use: use!, pattern: new RegExp(word!, "u") }))
  .concat([{ word: "台帳", use: "進行管理台帳", pattern: /(?<!進行管理)台帳/u }]);

const why = "these are IT words a municipal case worker does not use; write the word in use instead";

/** Each forbidden word in a text, as "where: 「word」 (use …)". */
function check(where: string, text: string): string[] {
  return forbidden.filter((f) => f.pattern.test(text)).map((f) => `${where}: 「${f.word}」 (use 「${f.use}」)`);
}

/** Blanks out comments (keeping line numbers): <!-- … -->, /* … *\/, and // to the end of a line. */
function withoutComments(source: string): string {
  const blank = (m: string) => m.replace(/[^\n]/g, " ");
  return source
    .replace(/<!--[\s\S]*?-->/g, blank)
    .replace(/\/\*[\s\S]*?\*\//g, blank)
    .replace(/(^|\s)\/\/.*$/gm, (_m, lead: string) => lead);
}

/** Forbidden words in the Japanese text of one source file (comments excluded). */
function scanSource(file: string, source: string): string[] {
  return withoutComments(source)
    .split("\n")
    .flatMap((line, i) => (/[\u3040-\u30ff\u4e00-\u9fff]/u.test(line) ? check(`${file}:${i + 1}`, line) : []));
}

const src = join(import.meta.dirname, "..", "..");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.svelte$/.test(name) || (/\.ts$/.test(name) && !/\.test\.ts$/.test(name)) ? [path] : [];
  });
}

describe("the words on screen", () => {
  it("the check itself finds a word, skips comments and allows 進行管理台帳", () => {
    expect(scanSource("x.svelte", "<p>保管庫を開く</p>")).toEqual(["x.svelte:1: 「保管庫」 (use 「記録データ（ケース記録）」)"]);
    expect(scanSource("x.svelte", "<!-- 保管庫 -->\n// バンドル\n<p>進行管理台帳</p>")).toEqual([]);
    expect(scanSource("x.ts", 'const a = "台帳"; // 議題')).toEqual(["x.ts:1: 「台帳」 (use 「進行管理台帳」)"]);
  });

  it("no Japanese catalog text uses an IT word", () => {
    const areaOf = (key: string) => Object.entries(jaParts).find(([, texts]) => key in texts)?.[0] ?? "?";
    const found = Object.entries(ja).flatMap(([key, text]) => check(`ja/${areaOf(key)}.ts "${key}"`, text));
    expect(found, `ja: ${why}`).toEqual([]);
  });

  it("no Japanese text in a component or module uses an IT word", () => {
    const found = files(src).flatMap((f) => scanSource(relative(src, f), readFileSync(f, "utf8")));
    expect(found, `ui/src: ${why}`).toEqual([]);
  });
});
