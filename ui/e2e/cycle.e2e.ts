// One case walked through the whole cycle in the real window, as a lead agency's worker does it:
// 相談受付 (printed as its form) → アセスメント with facts apart from 見立て and the overall view →
// 支援プラン (a goal, an action the person carries) → a 重層的支援会議 takes the case up and approves
// the plan → the person agrees, the plan prints with its signature lines → 支援決定 → 評価 →
// 見直し into a second version carrying the goal not met → 終結 with its sheet. Screenshots in
// artifacts/screenshots/cycle-*. Runs on an empty vault the test script makes
// (KASANE_E2E_CYCLE_VAULT) with the demo passphrase.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type App, launch, screenshots, shoot } from "./driver";
import type { Session } from "./webdriver";

const emptyVault = process.env.KASANE_E2E_CYCLE_VAULT ?? "";
const passphrase = process.env.KASANE_E2E_DEMO_PASSPHRASE ?? "";

let app: App;
let s: Session;
let copy = "";

/** A day counted from today in Japan, as ISO (the app reads ISO as well as 和暦). */
function day(offsetDays: number): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Tokyo" }).format(d);
}

async function fill(css: string, text: string) {
  await s.clear(css);
  await s.type(css, text);
}

async function scrollTo(css: string): Promise<void> {
  await s.execute("document.querySelector(arguments[0])?.scrollIntoView({ block: 'start' });", [css]);
}

/**
 * Opens a printout's preview, waits until the engine's page says `text`, shoots it; with
 * `pdfFolder`, saves it there as a PDF file and returns the path the app answered; closes it.
 */
async function preview(button: string, testid: string, text: string, shot: string, pdfFolder?: string): Promise<string> {
  await s.click(button);
  await s.waitUntil<string>(
    `the ${testid} page in its frame`,
    "const f = document.querySelector(`iframe[data-testid=${arguments[0]}-frame]`); const b = f && f.contentDocument && f.contentDocument.body; return b && b.innerText.includes(arguments[1]) ? 'ok' : '';",
    [testid, text],
  );
  await shoot(s, shot);
  let pdf = "";
  if (pdfFolder) {
    await s.click("dialog details.save-pdf summary");
    await fill("dialog input[name=pdf-folder]", pdfFolder);
    await s.click(await s.waitFor(`[data-testid=${testid}-pdf]`, { enabled: true }));
    const saved = await s.waitFor(`[data-testid=${testid}-pdf-saved]`);
    pdf = String(await s.attribute(saved, "data-path"));
  }
  await s.click("dialog .head button.link");
  await s.waitGone(`[data-testid=${testid}-frame]`);
  return pdf;
}

/**
 * Reads a saved form back with poppler: A4, its words as text (Japanese type, not pictures of
 * it), 取扱注意 on it; its first page is rasterised into the screenshots for a reviewer to see.
 */
function checkPdf(pdf: string, words: string[], shot: string): void {
  // The picture first, so a failing check can be looked at.
  execFileSync("pdftoppm", ["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdf, join(screenshots, `${shot}-page1`)]);
  const read = readPdf(pdf);
  expect(read.size, `${pdf} is laid out on A4 (595 × 842 pt)`).toMatch(/^595(\.\d+)? x 84[12](\.\d+)? pts/);
  expect(read.pages, `${pdf} has pages`).toBeGreaterThan(0);
  for (const w of ["取扱注意", ...words]) {
    expect(read.text, `${pdf} carries the printed text (${w}) as text`).toContain(w);
  }
}

/** What poppler reads in a PDF: its page size in points, its page count, its text. */
function readPdf(path: string): { pages: number; size: string; text: string } {
  const info = execFileSync("pdfinfo", [path], { encoding: "utf8" });
  return {
    pages: Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? 0),
    size: /^Page size:\s+(.*)$/m.exec(info)?.[1] ?? "",
    // Noto CJK's glyphs shared with the radicals come out of the PDF's text map as the radicals
    // (⽀ for 支, ⻑ for 長): NFKC folds the Kangxi ones back (⽀ → 支) but not the supplement's
    // (⻑, ⺠), so the words checked avoid those few characters.
    text: execFileSync("pdftotext", ["-layout", path, "-"], { encoding: "utf8" }).normalize("NFKC"),
  };
}

/** Submits the open dialog and waits until the engine has it (the dialog closes). */
async function save(button = "dialog button[type=submit]"): Promise<void> {
  await s.click(button);
  await s.waitGone("dialog");
}

describe.skipIf(emptyVault === "" || passphrase === "")("one case from 相談受付 to 終結", () => {
  beforeAll(async () => {
    copy = mkdtempSync(join(tmpdir(), "kasane-cycle-"));
    const vault = join(copy, "vault");
    cpSync(emptyVault, vault, { recursive: true });
    app = await launch({ KASANE_VAULT: vault }, 4452);
    s = app.session;
    await s.waitFor("[data-testid=unlock-screen] input[name=passphrase]");
    await s.type("input[name=passphrase]", passphrase);
    await s.click("button[type=submit].primary");
    await s.waitFor("[data-testid=home-reviews]");
  });

  afterAll(async () => {
    await app?.stop();
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it("opens a case for a household and records how the consultation came, printing the 相談受付票", async () => {
    await s.click("[data-testid=nav-households]");
    await s.click(await s.waitFor("[data-testid=add-household]"));
    await fill("dialog input[name=household-label]", "鈴木家");
    await s.choose("dialog select[name=district]", "koshigoe");
    await fill("dialog input[name=address]", "鎌倉市腰越3-1-2");
    await save();
    await s.waitFor("[data-testid=household-title]", { text: (t) => t === "鈴木家" });
    await s.click("[data-testid=add-member]");
    await fill("dialog input[name=family-name]", "鈴木");
    await fill("dialog input[name=given-name]", "一郎");
    await fill("dialog input[name=family-kana]", "すずき");
    await fill("dialog input[name=given-kana]", "いちろう");
    await fill("dialog input[name=birth]", "S48.6.1");
    await s.waitFor("[data-testid=date-preview-birth] .ok");
    await s.choose("dialog select[name=sex]", "male");
    await fill("dialog input[name=relation]", "本人");
    await save();
    await s.waitFor("[data-testid=members]", { text: (t) => t.includes("鈴木 一郎") });
    await s.click("[data-testid=open-case]");
    await fill("dialog input[name=case-title]", "長男のひきこもりと父の介護");
    await s.click('dialog input[name=problem][value="hachimaru-gomaru"]');
    await s.choose("dialog select[name=risk]", "medium");
    await s.click("dialog button[type=submit]");
    await s.waitFor("[data-testid=case-title]", { text: (t) => t === "長男のひきこもりと父の介護" });

    await s.waitFor("[data-testid=case-intake]", { text: (t) => t.includes("相談受付はまだ記録されていません") });
    await s.click("[data-testid=record-intake]");
    const by = await s.waitFor("dialog input[name=intake-received-by]");
    expect(String(await s.property(by, "value")), "the worker who is signed in receives it").toBe("デモ担当");
    await s.choose("dialog select[name=intake-route]", "community");
    await fill("dialog input[name=intake-referrer]", "腰越地区の民生委員");
    await s.choose("dialog select[name=intake-visitor]", "family");
    await fill("dialog input[name=intake-visitor-name]", "母");
    await fill("dialog input[name=intake-time]", "9:30");
    await s.type("dialog textarea[name=intake-complaint]", "「息子が何年も部屋から出てこない。夫の介護もあって、もう限界です」");
    await s.type("dialog textarea[name=intake-situation]", "父（80代・要介護2）、母（70代）、長男（50代）の三人暮らし");
    await shoot(s, "cycle-01-intake-form");
    await save("dialog button[data-testid=intake-save]");
    const facts = await s.waitFor("[data-testid=intake-facts]", { text: (t) => t.includes("もう限界です") });
    const text = await s.text(facts);
    expect(text, "the route and who referred it").toContain("地域住民・民生委員から（腰越地区の民生委員）");
    expect(text, "the time as HH:MM").toContain("09:30");
    await scrollTo("[data-testid=case-intake]");
    await shoot(s, "cycle-02-intake");
    const intake = await preview("[data-testid=intake-sheet]", "intake-sheet-print", "相談受付票", "cycle-03-intake-sheet", copy);
    checkPdf(intake, ["相談受付票", "腰越地区", "もう限界です"], "cycle-03b-intake-pdf");
  });

  it("keeps the facts apart from the 見立て and writes the overall view and support policy", async () => {
    await s.click("[data-testid=add-assessment]");
    await s.choose("dialog select[name=assessment-domain]", "care");
    await s.type("dialog textarea[name=assessment-seen]", "母が一人で父の入浴と食事を介助している。長男は介護に関わっていない。");
    await s.type("dialog textarea[name=assessment-judgement]", "母の介護負担が限界に近く、長男の孤立が家族の中でも深まっている。");
    await save();
    const entry = await s.waitFor("[data-testid=assessment] [data-testid=assessment-entry]", {
      text: (t) => t.includes("母が一人で父の入浴"),
    });
    const shown = await s.text(entry);
    expect(shown, "the facts under their own label").toContain("把握した状況（事実）");
    expect(shown, "the judgement under its own label, marked as such").toContain("評価・判断");
    await s.click("[data-testid=write-overall]");
    await s.type("dialog textarea[name=overall-view]", "介護と長男のひきこもりが重なり、母が一人で抱えている。");
    await s.type("dialog textarea[name=overall-policy]", "父の介護サービスを増やして母の負担を減らし、長男には居場所を紹介する。");
    await save("dialog button[data-testid=overall-save]");
    await s.waitFor("[data-testid=overall]", { text: (t) => t.includes("長男には居場所を紹介する") });
    await scrollTo("[data-testid=assessment]");
    await shoot(s, "cycle-04-assessment");
    const sheet = await preview("[data-testid=assessment-sheet]", "assessment-sheet-print", "見立て（評価・判断）", "cycle-04b-assessment-sheet", copy);
    checkPdf(sheet, ["アセスメントシート", "見立て"], "cycle-04c-assessment-pdf");
  });

  it("writes the first plan version with a goal and an action the son carries himself", async () => {
    await s.click("[data-testid=plan-new-version]");
    const policy = await s.waitFor("dialog textarea[name=plan-policy]");
    expect(String(await s.property(policy, "value")), "the policy starts from the overall view").toContain("居場所を紹介する");
    await fill("dialog input[name=plan-to]", day(180));
    await s.waitFor("[data-testid=date-preview-plan-to] .ok");
    await save("dialog button[data-testid=plan-version-save]");
    await s.waitFor("[data-testid=plan-version][data-number='1']");
    await s.waitFor("[data-testid=plan-approval]", { text: (t) => t.includes("未承認") });

    await s.click("[data-testid=add-goal]");
    await fill("dialog input[name=goal-text]", "長男が週1回、地域の居場所に通える");
    await s.choose("dialog select[name=goal-term]", "short");
    await save();
    await s.waitFor("[data-testid=plan] [data-testid=goal]", { text: (t) => t.includes("地域の居場所に通える") });

    await s.click("[data-testid=add-action]");
    await fill("dialog input[name=action-text]", "居場所（サロン）の見学に行く");
    const son = await s.execute<string>(
      "const o = [...document.querySelectorAll('dialog select[name=action-owner-person] option')].find(o => o.text.includes('鈴木')); return o ? o.value : '';",
    );
    await s.choose("dialog select[name=action-owner-person]", son);
    await fill("dialog input[name=action-frequency]", "週1回");
    const goal = await s.execute<string>(
      "const o = [...document.querySelectorAll('dialog select[name=action-goal] option')].find(o => o.value); return o ? o.value : '';",
    );
    await s.choose("dialog select[name=action-goal]", goal);
    await s.click("dialog input[name=action-tag][value=participation]");
    await save();
    await s.waitFor("[data-testid=plan] [data-testid=action-person]", { text: (t) => t.includes("鈴木 一郎") });
    await scrollTo("[data-testid=plan]");
    await shoot(s, "cycle-05-plan-v1");
  });

  it("has a 重層的支援会議 take the case up, then records its approval and the person's agreement", async () => {
    const caseTitle = "長男のひきこもりと父の介護";
    await s.click("[data-testid=nav-meetings]");
    await s.click(await s.waitFor("[data-testid=new-meeting]"));
    await s.choose("dialog select[name=meeting-type]", "jusoteki-shien-kaigi");
    await fill("dialog input[name=meeting-date]", day(0));
    await s.waitFor("[data-testid=date-preview-meeting-date] .ok");
    await fill("dialog input[name=meeting-place]", "本庁舎 第1会議室");
    const own = await s.execute<boolean>(
      "const b = [...document.querySelectorAll('dialog input[name=attendee]')].find(b => b.closest('label').textContent.includes('福祉総務課')); if (b && !b.checked) b.click(); return !!b;",
    );
    expect(own, "the lead's own agency attends").toBe(true);
    await s.click("dialog button[type=submit]");
    await s.waitFor("[data-testid=meeting-page]");
    const proposal = await s.waitFor("[data-testid=proposal]", { text: (t) => t.includes(caseTitle) });
    const caseId = (await s.attribute(proposal, "data-case")) ?? "";
    await s.click(`[data-testid=proposal][data-case="${caseId}"] button[data-testid=proposal-accept]`);
    await s.click(await s.waitFor("[data-testid=disclosure-confirm]"));
    await s.waitFor("[data-testid=agenda][aria-busy=false] [data-testid=agenda-item]", { text: (t) => t.includes(caseTitle) });

    await s.click("[data-testid=nav-households]");
    // The vault's only household.
    await s.click(await s.waitFor(".row", { text: (t) => t.includes("ケース1件") }));
    await s.click(await s.waitFor("button.case", { text: (t) => t.includes(caseTitle) }));
    await s.waitFor("[data-testid=plan-version][data-number='1']");
    await s.click(await s.waitFor("[data-testid=plan-approve]", { enabled: true }));
    await s.waitFor("dialog select[name=plan-meeting]");
    await save("dialog button[data-testid=plan-approve-confirm]");
    await s.waitFor("[data-testid=plan-approval]", { text: (t) => t.includes("会議で承認") });
    await s.click("[data-testid=plan-agree]");
    await save("dialog button[data-testid=plan-agree-confirm]");
    await s.waitFor("[data-testid=plan-agreement]", { text: (t) => t.includes("鈴木 一郎") });
    await scrollTo("[data-testid=plan]");
    await shoot(s, "cycle-06-plan-approved");
    const pdf = await preview("[data-testid=plan-print]", "plan-print-preview", "本人署名", "cycle-07-plan-print", copy);
    expect(pdf, "the PDF is named after the form and written into the folder chosen").toMatch(/支援プラン.*\.pdf$/);
    expect(pdf.startsWith(copy), "the PDF is written into the folder chosen").toBe(true);
    checkPdf(pdf, ["支援プラン", "本人署名", "ひきこもり", "居場所"], "cycle-07b-plan-pdf");
  });

  it("records the decision to support and evaluates the goal: partly met", async () => {
    await s.click("[data-testid=decide-support]");
    await fill("dialog input[name=decision-by]", "福祉総務課長");
    await save("dialog button[data-testid=decide-confirm]");
    await s.waitFor("[data-testid=support-decision]", { text: (t) => t.includes("決定：福祉総務課長") });
    await s.click("[data-testid=evaluate-goal]");
    await s.choose("dialog select[name=goal-result]", "partly");
    await s.type("dialog textarea[name=goal-comment]", "見学には2回行けたが、通うまでには至っていない");
    await save("dialog button[data-testid=evaluate-confirm]");
    await s.waitFor("[data-testid=goal][data-result=partly]");
  });

  it("revises the plan into a second version that carries the goal not met, and evaluates it", async () => {
    await s.click("[data-testid=plan-new-version]");
    await fill("dialog input[name=plan-to]", day(365));
    await s.waitFor("[data-testid=date-preview-plan-to] .ok");
    await save("dialog button[data-testid=plan-version-save]");
    await s.waitFor("[data-testid=plan-version][data-number='2']");
    const carried = await s.waitFor("[data-testid=plan] [data-testid=goal]", { text: (t) => t.includes("前の版から引き継ぎ") });
    expect(await s.text(carried), "the goal partly met goes on in the new version").toContain("地域の居場所に通える");
    await s.waitFor("[data-testid=plan-approval]", { text: (t) => t.includes("未承認") });
    await s.waitFor("[data-testid=plan-earlier]");
    await scrollTo("[data-testid=plan]");
    await shoot(s, "cycle-08-plan-v2");
    await s.click("[data-testid=evaluate-goal]");
    await s.choose("dialog select[name=goal-result]", "met");
    await save("dialog button[data-testid=evaluate-confirm]");
    await s.waitFor("[data-testid=goal][data-result=met]");
  });

  it("closes the case with its reason and who keeps watching, and prints the closing sheet with the evaluation", async () => {
    await s.click("[data-testid=close-case]");
    await s.choose("dialog select[name=closure-reason]", "goals-met");
    await fill("dialog input[name=closure-watch]", "腰越地区の民生委員");
    await save("dialog button[data-testid=close-confirm]");
    await s.waitFor("[data-testid=closure-facts]", { text: (t) => t.includes("目標達成") && t.includes("腰越地区の民生委員") });
    await scrollTo("[data-testid=case-closure]");
    await shoot(s, "cycle-09-closed");
    const closing = await preview("[data-testid=closing-sheet]", "closing-sheet-print", "達成", "cycle-10-closing-sheet", copy);
    checkPdf(closing, ["終結", "達成"], "cycle-10b-closing-pdf");
  });

  it("collects the person's records for a disclosure request, judgement and what his mother said marked, and saves them as a file", async () => {
    await s.click(await s.waitFor(".kicker button.link", { text: (t) => t === "鈴木家" }));
    await s.waitFor("[data-testid=household-title]", { text: (t) => t === "鈴木家" });
    const open = await s.waitFor("[data-testid=person-records-open]");
    expect(await s.text(open), "each member's row offers the records").toContain("開示請求の記録");
    await shoot(s, "cycle-11-household");
    await s.click(open);
    // The engine's printout in the preview, once it has the marks the reviewer reads.
    const text = await s.waitUntil<string>(
      "the records in the preview",
      "const f = document.querySelector('iframe[data-testid=person-records-frame]'); const b = f && f.contentDocument && f.contentDocument.body; return b && b.innerText.includes('【第三者の情報】') ? b.innerText : '';",
    );
    expect(text).toContain("保有個人情報の開示請求に係る記録");
    expect(text, "the 主訴 is the mother's words").toContain("もう限界です");
    expect(text, "the 見立て is marked as judgement").toMatch(/【評価・判断】\s*記録した職員の見立て/);
    expect(text, "the goal's evaluation too").toContain("目標の達成についての評価です");
    await shoot(s, "cycle-11-person-records");
    await s.execute(
      "const d = document.querySelector('iframe[data-testid=person-records-frame]').contentDocument; d.querySelector('.m-t').scrollIntoView({ block: 'start' });",
    );
    await shoot(s, "cycle-12-person-records-marks");

    const folder = mkdtempSync(join(tmpdir(), "kasane-request-"));
    try {
      await s.type("dialog input[name=request-folder]", folder);
      await s.click("[data-testid=person-records-export]");
      const done = await s.waitFor("[data-testid=person-records-written]");
      const path = (await s.attribute(done, "data-path")) ?? "";
      expect(path.startsWith(folder) && path.endsWith(".json"), path).toBe(true);
      const file = JSON.parse(readFileSync(path, "utf8")) as { format: string; person: { given_name: string }; counts: { judgement: number } };
      expect(file.format).toBe("kasane-person-records/1");
      expect(file.person.given_name).toBe("一郎");
      expect(file.counts.judgement, "what the printout marks, the file marks").toBeGreaterThan(2);
      expect(await s.text(done), "the file is said to be unencrypted").toContain("暗号化されていません");
      await shoot(s, "cycle-13-person-records-file");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    await s.click("dialog .head button.link");
    await s.waitGone("[data-testid=person-records-frame]");
  });

  it("reminds on home that no backup was taken, writes one to a chosen folder, and stops reminding", async () => {
    await s.click("[data-testid=nav-home]");
    await s.waitFor(".home[data-backup=due]");
    const due = await s.waitFor("[data-testid=backup-due]");
    expect(await s.text(due), "a new vault has no backup yet").toContain("控えをまだ作っていません");
    await shoot(s, "cycle-14-backup-due");
    await s.click("[data-testid=backup-due] button");
    await s.waitFor("[data-testid=backup-last]", { text: (t) => t.includes("控えはまだ作っていません") });
    const usb = mkdtempSync(join(tmpdir(), "kasane-usb-"));
    try {
      await s.type("input[name=backup-folder]", usb);
      await s.click(await s.waitFor("[data-testid=backup-write]", { enabled: true }));
      const done = await s.waitFor("[data-testid=backup-done]");
      expect(await s.text(done)).toContain(usb);
      await s.waitFor("[data-testid=backup-last]", { text: (t) => t.includes("最後の控え") });
      await s.execute("document.querySelector('[data-testid=backup]')?.scrollIntoView({ block: 'start' });");
      await shoot(s, "cycle-15-backup-written");
      expect(readdirSync(usb).filter((n) => n.startsWith("kasane-backup-")).length, "one backup folder, nothing half-written").toBe(1);
    } finally {
      rmSync(usb, { recursive: true, force: true });
    }
    await s.click("[data-testid=nav-home]");
    // Home says what it read of the backup: no reminder once backed up.
    await s.waitFor(".home[data-backup=ok]");
    expect((await s.findAll("[data-testid=backup-due]")).length, "no reminder once backed up").toBe(0);
  });
});
