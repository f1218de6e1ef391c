// Two agencies, two PCs, one family — the way Kasane is meant to be used, driven in the real
// window. Each "PC" is an app instance with its own HOME (its own vault); they run one after
// another and hand files to each other through a folder, as a USB stick would:
//
//   A 福祉総務課 and B 生活福祉課 set up their vaults and exchange member cards, each verifying the
//   other's fingerprint; A records a household and a case and shares it under 支援会議 (§106-6);
//   A exports a bundle, B imports it and sees the case; B adds an assessment entry and an action
//   and changes the case's risk while A changes it too; bundles go both ways; A sees the conflict
//   and resolves it; A builds a meeting agenda from the proposals and opens its print preview;
//   B takes A's answer and ends with the same, conflict-free state.
//
// Every step asserts what is on screen. Screenshots (Japanese UI) go to
// artifacts/screenshots/two-vaults-NN-*.png.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, afterEach, describe, expect, it } from "vitest";

import { type App, launch, shoot } from "./driver";
import { KEY, type Session } from "./webdriver";

const usb = mkdtempSync(join(tmpdir(), "kasane-usb-"));
const A = { home: mkdtempSync(join(tmpdir(), "kasane-pc-a-")), agency: "福祉総務課", site: "本庁舎PC-1", worker: "山田", pass: "鎌倉の海は朝に静かで青い" };
const B = { home: mkdtempSync(join(tmpdir(), "kasane-pc-b-")), agency: "生活福祉課", site: "生活福祉課PC-2", worker: "佐藤", pass: "由比ヶ浜の夕方は風が強い" };
type Pc = typeof A;

const CASE_TITLE = "母の介護と長男の失業";
const HOUSEHOLD = "鈴木家";

let app: App | undefined;
let s: Session;
let port = 4450;
let shot = 0;
const known: { cardA?: string; cardB?: string; fingerprintA?: string; fingerprintB?: string; bundle?: string } = {};

async function start(pc: Pc): Promise<void> {
  app = await launch({}, port, pc.home);
  // A fresh port pair for every launch: the previous WebKitWebDriver may still hold its port.
  port += 2;
  s = app.session;
}

async function stop(): Promise<void> {
  await app?.stop();
  app = undefined;
}

async function snap(name: string): Promise<void> {
  shot += 1;
  await shoot(s, `two-vaults-${String(shot).padStart(2, "0")}-${name}`);
}

async function fill(css: string, text: string) {
  await s.clear(css);
  await s.type(css, text);
}

async function bodyHas(text: string) {
  await s.waitFor("body", { text: (t) => t.includes(text) });
}

async function createVault(pc: Pc): Promise<void> {
  await s.click(await s.waitFor("[data-testid=start-create]"));
  await s.waitFor("input[name=path]");
  await fill("input[name=agency]", pc.agency);
  await fill("input[name=site]", pc.site);
  await fill("input[name=worker]", pc.worker);
  await fill("input[name=passphrase]", pc.pass);
  await fill("input[name=passphrase-again]", pc.pass);
  await s.click("button[type=submit].primary");
  await s.waitFor("[data-testid=recovery-code-screen]");
  await s.click("input[name=written-down]");
  await s.click("[data-testid=code-continue]");
  await s.waitFor("[data-testid=home-reviews]");
  await bodyHas(`${pc.worker}さん`);
}

async function unlock(pc: Pc): Promise<void> {
  await s.waitFor("[data-testid=unlock-screen] input[name=passphrase]");
  await fill("input[name=passphrase]", pc.pass);
  await s.type("input[name=passphrase]", KEY.enter);
  await s.waitFor("[data-testid=home-reviews]");
}

async function fingerprint(css: string): Promise<string> {
  const groups = await s.findAll(`${css} .g`);
  expect(groups.length, "a fingerprint is read out as 6 groups of 5 digits").toBe(6);
  const texts: string[] = [];
  for (const g of groups) texts.push((await s.text(g)).trim());
  for (const t of texts) expect(t, "each group is 5 digits").toMatch(/^\d{5}$/);
  return texts.join(" ");
}

async function saveMyCard(): Promise<string> {
  await s.click("[data-testid=nav-exchange]");
  await s.waitFor("[data-testid=exchange-screen]");
  const mine = await fingerprint("[data-testid=my-fingerprint]");
  await fill("input[name=card-folder]", usb);
  await s.click("[data-testid=card-export]");
  const done = await s.waitFor("[data-testid=card-export-done]");
  const path = await s.attribute(done, "data-path");
  expect(path, "the card is written into the chosen folder").toContain(usb);
  return mine;
}

async function importAndVerify(card: string, heard: string, partner: Pc): Promise<void> {
  await s.click("[data-testid=nav-exchange]");
  await fill("input[name=card-file]", card);
  await s.click("[data-testid=card-import]");
  const compare = await s.waitFor("[data-testid=card-compare]");
  expect(await s.text(compare), "the card names the partner agency").toContain(partner.agency);
  const theirs = await fingerprint("[data-testid=their-fingerprint]");
  expect(theirs, "the fingerprint shown is the one the partner's own screen shows").toBe(heard);
  // First a mistake on the phone: one digit misheard is refused, the card stays unverified.
  const wrong = heard.replace(/^(\d)/, (d) => String((Number(d) + 1) % 10));
  await fill("input[name=fingerprint-heard]", wrong);
  await s.click("[data-testid=card-verify]");
  // The engine's refusal (the live comparison above the button says 一致しません already).
  await s.waitFor("[data-testid=card-compare] [data-testid=error][data-code='card.fingerprint-mismatch']");
  await fill("input[name=fingerprint-heard]", heard);
  await snap(`card-compare-${partner.worker === "山田" ? "b" : "a"}`);
  await s.click("[data-testid=card-verify]");
  await s.waitFor("[data-testid=partner][data-state=verified]", { text: (t) => t.includes(partner.agency) });
}

async function exportBundleTo(partner: Pc, expectCase: boolean): Promise<string> {
  await s.click("[data-testid=nav-exchange]");
  await s.waitFor("[data-testid=exchange-screen]");
  // The recipients once the engine's list of partners is in the form.
  const value = await s.waitUntil<string>(
    `${partner.agency} offered as the bundle's recipient`,
    `const o = [...document.querySelectorAll('select[name=bundle-to] option')].find(o => o.textContent.includes(${JSON.stringify(partner.agency)})); return o ? o.value : '';`,
  );
  expect(value, `${partner.agency} can be chosen as the bundle's recipient`).not.toBe("");
  await s.choose("select[name=bundle-to]", value);
  const preview = await s.waitFor("[data-testid=bundle-preview]", {
    text: (t) => !expectCase || t.includes(CASE_TITLE),
  });
  if (expectCase) expect(await s.text(preview), "the preview lists the shared case").toContain(CASE_TITLE);
  await fill("input[name=bundle-folder]", usb);
  await s.click("[data-testid=bundle-export]");
  const done = await s.waitFor("[data-testid=bundle-export-done]");
  const path = await s.attribute(done, "data-path");
  expect(path, "the bundle is written into the chosen folder").toContain(usb);
  return path ?? "";
}

async function importBundle(path: string, from: Pc): Promise<string> {
  await s.click("[data-testid=nav-exchange]");
  await fill("input[name=bundle-file]", path);
  await s.click("[data-testid=bundle-inspect]");
  const preview = await s.waitFor("[data-testid=bundle-import-preview]");
  const text = await s.text(preview);
  expect(text, "the preview names the sender before anything is applied").toContain(from.agency);
  expect(text, "the sender's card was verified by phone").toContain("確認済み");
  await s.click("[data-testid=bundle-apply]");
  const summary = await s.waitFor("[data-testid=bundle-import-summary]");
  return s.text(summary);
}

async function openCase(): Promise<void> {
  await s.click("[data-testid=nav-households]");
  await fill("input[name=search]", "すずき");
  await s.waitFor('[data-testid=search-results][aria-busy=false][data-query="すずき"]', { text: (t) => t.includes("鈴木") });
  await s.click('[data-testid=search-results] button[data-kind="person"]');
  await s.waitFor("[data-testid=household-title]", { text: (t) => t === HOUSEHOLD });
  await s.click(await s.waitFor("ul.cases button.case", { text: (t) => t.includes(CASE_TITLE) }));
  await s.waitFor("[data-testid=case-title]", { text: (t) => t === CASE_TITLE });
}

/** Waits until the case page has the engine's answer about its conflicts (a banner or none). */
async function caseConflictsChecked(): Promise<void> {
  await s.waitUntil("the case's conflicts checked", "return document.querySelector('[data-testid=case-conflicts-checked]') !== null;");
}

async function setRisk(risk: "medium" | "urgent"): Promise<void> {
  await s.click("[data-testid=edit-case]");
  await s.waitFor("dialog select[name=risk]");
  await s.choose("dialog select[name=risk]", risk);
  await s.click("dialog button[type=submit]");
  await s.waitGone("dialog");
}

describe("two agencies share a case by files, disagree, and meet", () => {
  afterEach(async () => {
    await stop();
  });

  afterAll(async () => {
    await stop();
  });

  it("A (福祉総務課) sets up its vault and saves its member card", async () => {
    await start(A);
    await createVault(A);
    known.fingerprintA = await saveMyCard();
    known.cardA = await s.attribute(await s.find("[data-testid=card-export-done]"), "data-path") ?? "";
    await snap("a-exchange");
  });

  it("B (生活福祉課) sets up its vault, saves its card, and verifies A's card by fingerprint", async () => {
    await start(B);
    await createVault(B);
    known.fingerprintB = await saveMyCard();
    known.cardB = await s.attribute(await s.find("[data-testid=card-export-done]"), "data-path") ?? "";
    await importAndVerify(known.cardA ?? "", known.fingerprintA ?? "", A);
    await snap("b-partners");
  });

  it("A verifies B's card, records a household and a case, and shares it under 支援会議", async () => {
    await start(A);
    await unlock(A);
    await importAndVerify(known.cardB ?? "", known.fingerprintB ?? "", B);

    await s.click("[data-testid=nav-households]");
    await s.click("[data-testid=add-household]");
    await fill("dialog input[name=household-label]", HOUSEHOLD);
    await s.choose("dialog select[name=district]", "kamakura-1");
    await s.click("dialog button[type=submit]");
    await s.waitFor("[data-testid=household-title]", { text: (t) => t === HOUSEHOLD });
    await s.click("[data-testid=add-member]");
    await fill("dialog input[name=family-name]", "鈴木");
    await fill("dialog input[name=given-name]", "トメ");
    await fill("dialog input[name=family-kana]", "すずき");
    await fill("dialog input[name=given-kana]", "とめ");
    await fill("dialog input[name=birth]", "S12.4.1");
    await s.choose("dialog select[name=sex]", "female");
    await fill("dialog input[name=relation]", "本人");
    await s.click("dialog button[type=submit]");
    await s.waitFor("[data-testid=members]", { text: (t) => t.includes("鈴木 トメ") });

    await s.click("[data-testid=open-case]");
    await fill("dialog input[name=case-title]", CASE_TITLE);
    await s.click('dialog input[name=problem][value="dementia"]');
    await s.choose("dialog select[name=risk]", "high");
    await fill("dialog input[name=next-review]", "R8.12.1");
    await s.waitFor("[data-testid=date-preview-next-review]", { text: (t) => t.includes("2026-12-01") });
    await s.click("dialog button[type=submit]");
    await s.waitFor("[data-testid=case-title]", { text: (t) => t === CASE_TITLE });

    await s.waitFor("[data-testid=case-shares][aria-busy=false]");
    await s.click("[data-testid=share-case]");
    await s.waitFor("dialog select[name=share-agency]");
    const agency = await s.execute<string>(
      "const o = [...document.querySelectorAll('dialog select[name=share-agency] option')].find(o => o.textContent.includes(arguments[0])); return o ? o.value : '';",
      [B.agency],
    );
    expect(agency, "the verified partner agency can be chosen").not.toBe("");
    await s.choose("dialog select[name=share-agency]", agency);
    await s.choose("dialog select[name=share-basis]", "shien-kaigi");
    await s.click("dialog button[type=submit]");
    await s.waitGone("dialog");
    const shares = await s.waitFor("[data-testid=case-shares]", { text: (t) => t.includes(B.agency) });
    expect(await s.text(shares), "the share records its legal basis").toContain("支援会議");
    await snap("a-case-shared");

    known.bundle = await exportBundleTo(B, true);
    await snap("a-bundle-exported");
  });

  it("B previews and imports A's bundle and sees the case", async () => {
    await start(B);
    await unlock(B);
    const summary = await importBundle(known.bundle ?? "", A);
    expect(summary, "the summary says what arrived").toMatch(/\d/);
    await snap("b-bundle-imported");
    await openCase();
    await bodyHas("認知症");
    await snap("b-case");
  });

  it("B adds an assessment entry and an action, changes the risk, and sends a bundle back", async () => {
    await start(B);
    await unlock(B);
    await openCase();

    await s.click("[data-testid=add-assessment]");
    await s.choose("dialog select[name=assessment-domain]", "money");
    await fill("dialog textarea[name=assessment-seen]", "長男が失職し、世帯の収入は母の年金のみ。家賃の滞納が2か月。");
    await s.choose("dialog select[name=assessment-risk]", "high");
    await s.click("dialog button[type=submit]");
    await s.waitGone("dialog");
    const assessment = await s.waitFor("[data-testid=assessment]", { text: (t) => t.includes("家賃の滞納") });
    expect(await s.text(assessment), "each entry names its agency").toContain(B.agency);

    await s.click("[data-testid=add-action]");
    await fill("dialog input[name=action-text]", "家計相談と住居確保給付金の申請同行");
    const owner = await s.execute<string>(
      "const o = [...document.querySelectorAll('dialog select[name=action-owner] option')].find(o => o.textContent.includes(arguments[0])); return o ? o.value : '';",
      [B.agency],
    );
    await s.choose("dialog select[name=action-owner]", owner);
    await fill("dialog input[name=action-due]", "R8.12.20");
    await s.click("dialog button[type=submit]");
    await s.waitGone("dialog");
    await s.waitFor("[data-testid=plan]", { text: (t) => t.includes("住居確保給付金") });
    const matrix = await s.waitFor("[data-testid=role-matrix]", { text: (t) => t.includes(B.agency) });
    expect(await s.text(matrix), "the lead agency is marked in the role matrix").toContain("主担当");

    await setRisk("medium");
    await bodyHas("緊急度: 中");
    await snap("b-case-assessment-plan");

    known.bundle = await exportBundleTo(A, true);
  });

  it("A changes the same field meanwhile, imports B's bundle, and is told of the conflict", async () => {
    await start(A);
    await unlock(A);
    await openCase();
    await setRisk("urgent");
    await bodyHas("緊急度: 緊急");

    const summary = await importBundle(known.bundle ?? "", B);
    expect(summary, "the import summary reports the concurrent change").toContain("内容の食い違い");
    await snap("a-import-conflict");

    await openCase();
    await s.waitFor("[data-testid=assessment]", { text: (t) => t.includes("家賃の滞納") });
    await s.waitFor("[data-testid=plan]", { text: (t) => t.includes("住居確保給付金") });
    const banner = await s.waitFor("[data-testid=case-conflict-banner]");
    expect(await s.text(banner), "the banner names the field with differing entries").toContain("緊急度");
    await snap("a-case-conflict-banner");

    await s.click(await s.waitFor("[data-testid=nav-home]"));
    await s.waitFor('[data-testid=home-conflicts] [data-testid=home-conflicts-count][data-count="1"]');
    const home = await s.waitFor("[data-testid=home-conflicts]");
    expect(await s.text(home), "home shows there are differing entries to look at").toMatch(/内容の食い違い/);
    await snap("a-home");
  });

  it("A resolves the conflict side by side, and the resolution travels to B", async () => {
    await start(A);
    await unlock(A);
    await s.click("[data-testid=nav-home]");
    await s.click(await s.waitFor("[data-testid=home-open-conflicts]"));
    await s.waitFor("[data-testid=conflicts-screen]");
    const conflict = await s.waitFor("[data-testid=conflict]", { text: (t) => t.includes("緊急度") });
    const text = await s.text(conflict);
    expect(text, "the case is named").toContain(CASE_TITLE);
    expect(text, "A's value is shown").toContain("緊急");
    expect(text, "B's value is shown").toContain("中");
    expect(text, "both authors are shown").toContain(A.agency);
    expect(text).toContain(B.agency);
    const values = await s.findAll("[data-testid=conflict] [data-testid=conflict-value]");
    expect(values.length, "two agencies wrote two values").toBe(2);
    await snap("a-conflicts");
    // Keep B's assessment: 中.
    const authors: string[] = [];
    for (const v of values) authors.push(await s.text(v));
    const mine = authors.findIndex((t) => t.includes(B.agency));
    expect(mine, "B's value is one of the two").toBeGreaterThanOrEqual(0);
    const choose = await s.findAll("[data-testid=conflict] [data-testid=conflict-choose]");
    expect(choose.length, "each value can be chosen").toBe(2);
    await s.click(choose[mine] ?? "missing");
    await s.waitFor("[data-testid=conflicts-screen]", { text: (t) => t.includes("内容の食い違いはありません") });
    await snap("a-conflicts-resolved");
    await openCase();
    await bodyHas("緊急度: 中");
    await caseConflictsChecked();
    expect((await s.findAll("[data-testid=case-conflict-banner]")).length, "no banner once resolved").toBe(0);
    known.bundle = await exportBundleTo(B, true);
  });

  it("A builds a 支援会議 agenda from the proposals and opens the print preview", async () => {
    await start(A);
    await unlock(A);
    await s.click("[data-testid=nav-meetings]");
    await s.waitFor("[data-testid=meetings-screen]");
    await s.click("[data-testid=new-meeting]");
    await s.choose("dialog select[name=meeting-type]", "shien-kaigi");
    await fill("dialog input[name=meeting-date]", "R8.12.10");
    await fill("dialog input[name=meeting-time]", "14:00");
    await fill("dialog input[name=meeting-place]", "本庁舎 第3会議室");
    await s.click(`dialog input[name=attendee][data-agency-name="${B.agency}"]`);
    await snap("a-new-meeting");
    await s.click("dialog button[type=submit]");
    await s.waitFor("[data-testid=meeting-page]");
    const proposal = await s.waitFor("[data-testid=proposal]", { text: (t) => t.includes(CASE_TITLE) });
    expect(await s.text(proposal), "the proposal says why: the review is due by the meeting").toMatch(/見直し|新規/);
    await snap("a-agenda-proposals");
    const caseId = (await s.attribute(proposal, "data-case")) ?? "";
    await s.click(`[data-testid=proposal][data-case="${caseId}"] button[data-testid=proposal-accept]`);
    await s.waitFor(`[data-testid=proposal][data-case="${caseId}"] [data-testid=disclosure-choice]`);
    await snap("a-disclosure-choice");
    await s.click(`[data-testid=proposal][data-case="${caseId}"] button[data-testid=disclosure-confirm]`);
    const agenda = "[data-testid=agenda][aria-busy=false]";
    const item = await s.waitFor(`${agenda} [data-testid=agenda-item][data-case="${caseId}"]`);
    expect(await s.text(item)).toContain(CASE_TITLE);
    const minutes = `[data-testid=agenda-item][data-case="${caseId}"] input[name=item-minutes]`;
    await fill(minutes, "20");
    await s.type(minutes, KEY.tab);
    // The minutes the engine saved, and the total of the one item.
    await s.waitFor(`${agenda} [data-testid=agenda-item][data-case="${caseId}"][data-minutes="20"]`);
    await s.waitFor(`${agenda} [data-testid=agenda-total][data-minutes="20"]`);
    await snap("a-agenda");
    await s.click("[data-testid=print-preview]");
    await s.waitFor("[data-testid=print-view] iframe[data-testid=print-frame]");
    // The frame's document once the engine's page is in it (the frame exists before it is filled).
    const printed = await s.waitUntil<string>(
      "the printed agenda in the frame",
      "const f = document.querySelector('iframe[data-testid=print-frame]'); const b = f && f.contentDocument && f.contentDocument.body; return b && b.innerText.includes('取扱注意') ? b.innerText : '';",
    );
    expect(printed, "the printed agenda carries the confidentiality mark").toContain("取扱注意");
    expect(printed, "and the case on the agenda").toContain(CASE_TITLE);
    await snap("a-print-preview");
  });

  it("B takes A's bundle: the same risk on both PCs, no conflict left", async () => {
    await start(B);
    await unlock(B);
    await importBundle(known.bundle ?? "", A);
    await openCase();
    await bodyHas("緊急度: 中");
    await caseConflictsChecked();
    expect((await s.findAll("[data-testid=case-conflict-banner]")).length, "the resolution travelled with the bundle").toBe(0);
    await snap("b-after-resolution");
  });
});
