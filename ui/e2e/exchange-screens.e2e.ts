// The exchange and conflicts screens on a prepared pair of agencies (src-tauri/examples/
// exchange_fixture.rs writes them): B's vault with a partner's card to compare, a bundle from A
// whose import makes conflicts, then the conflicts screen. Saves Japanese screenshots
// (exchange-*.png). Runs when KASANE_E2E_EXCHANGE_FIXTURE names the fixture's JSON file.
import { readFileSync } from "node:fs";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type App, launch, shoot } from "./driver";
import type { Session } from "./webdriver";

type Fixture = { vault: string; passphrase: string; bundle: string; card: string; card_fingerprint: string; folder: string };

const file = process.env.KASANE_E2E_EXCHANGE_FIXTURE ?? "";
const fixture: Fixture | null = file ? (JSON.parse(readFileSync(file, "utf8")) as Fixture) : null;

let app: App;
let s: Session;

describe.skipIf(fixture === null)("the exchange and conflicts screens", () => {
  const f = fixture as Fixture;

  beforeAll(async () => {
    app = await launch({ KASANE_VAULT: f.vault }, 4472);
    s = app.session;
    await s.waitFor("[data-testid=unlock-screen] input[name=passphrase]");
    await s.type("input[name=passphrase]", f.passphrase);
    await s.click("button[type=submit].primary");
    await s.waitFor("[data-testid=home-reviews]");
  });

  afterAll(async () => {
    await app?.stop();
  });

  it("shows the home panels", async () => {
    await s.waitFor("[data-testid=home-actions] ul");
    await s.waitFor("[data-testid=home-meetings] ul");
    await s.waitFor("[data-testid=home-conflicts] [data-testid=home-conflicts-count]");
    await shoot(s, "exchange-01-home-panels");
  });

  it("shows this PC's card and compares a partner's fingerprint group by group", async () => {
    await s.click("[data-testid=nav-exchange]");
    await s.waitFor("[data-testid=exchange-screen] [data-testid=my-fingerprint]");
    expect((await s.findAll("[data-testid=my-fingerprint] .g")).length).toBe(6);
    await shoot(s, "exchange-02-screen");
    await s.type("input[name=card-folder]", f.folder);
    await s.click("[data-testid=card-export]");
    const done = await s.waitFor("[data-testid=card-export-done]");
    expect(await s.attribute(done, "data-path")).toContain(".kasanecard");
    await s.type("input[name=card-file]", f.card);
    await s.click("[data-testid=card-import]");
    await s.waitFor("[data-testid=card-compare] [data-testid=their-fingerprint]");
    const groups = f.card_fingerprint.split(" ");
    const wrong = [...groups];
    wrong[2] = wrong[2] === "00000" ? "00001" : "00000";
    await s.type("input[name=fingerprint-heard]", wrong.slice(0, 4).join(" "));
    await s.waitFor("[data-testid=fingerprint-verdict][data-verdict=mismatch]");
    await s.execute("document.querySelector('[data-testid=card-compare]').scrollIntoView({ block: 'center' });");
    await shoot(s, "exchange-03-card-compare-mismatch");
    await s.click("[data-testid=card-verify]");
    await s.waitFor("[data-testid=card-compare] [data-testid=error][data-code='card.fingerprint-mismatch']");
    await s.clear("input[name=fingerprint-heard]");
    await s.type("input[name=fingerprint-heard]", groups.join(" "));
    await s.waitFor("[data-testid=fingerprint-verdict][data-verdict=all]");
    await shoot(s, "exchange-04-card-compare-match");
    const site = (await s.attribute(await s.waitFor("[data-testid=card-compare]"), "data-site")) ?? "";
    await s.click("[data-testid=card-verify]");
    // The partner list as the engine answered after the check: the compared site is verified.
    await s.waitFor(`[data-testid=partner][data-site="${site}"][data-state=verified]`);
  });

  it("previews and imports a bundle, with conflicts named in the summary", async () => {
    await s.type("input[name=bundle-file]", f.bundle);
    await s.click("[data-testid=bundle-inspect]");
    await s.waitFor("[data-testid=bundle-import-preview]", { text: (t) => t.includes("福祉総務課") });
    await s.execute("document.querySelector('[data-testid=bundle-import-preview]').scrollIntoView({ block: 'center' });");
    await shoot(s, "exchange-05-import-preview");
    await s.click("[data-testid=bundle-apply]");
    const summary = await s.waitFor("[data-testid=bundle-import-summary]");
    expect(await s.text(summary)).toContain("内容の食い違い");
    await s.execute("document.querySelector('[data-testid=bundle-import-summary]').scrollIntoView({ block: 'center' });");
    await shoot(s, "exchange-06-import-summary");
  });

  it("previews an export for a partner", async () => {
    const agency = await s.execute<string>(
      "const o = [...document.querySelectorAll('select[name=bundle-to] option')].find(o => o.textContent.trim() === '福祉総務課'); return o ? o.value : '';",
    );
    await s.choose("select[name=bundle-to]", agency);
    await s.waitFor("[data-testid=bundle-preview] [data-testid=bundle-preview-counts]");
    await s.execute("document.querySelector('[data-testid=bundle-preview]').scrollIntoView({ block: 'center' });");
    await shoot(s, "exchange-07-export-preview");
  });

  it("gives this PC new keys after asking, and shows the new check number", async () => {
    const before = await s.text(await s.waitFor("[data-testid=my-fingerprint]"));
    await s.execute("document.querySelector('[data-testid=rotate-keys]').scrollIntoView({ block: 'center' });");
    await s.click("[data-testid=rotate-keys]");
    await s.waitFor("dialog[open]");
    await shoot(s, "exchange-08-rotate-confirm");
    await s.click("dialog button[data-testid=confirm]");
    // Said once the card above shows the engine's answer.
    await s.waitFor("[data-testid=rotate-done]");
    const after = await s.text(await s.waitFor("[data-testid=my-fingerprint]"));
    expect(after, "new keys show a new check number").not.toBe(before);
    await s.execute("document.querySelector('[data-testid=my-card]').scrollIntoView({ block: 'start' });");
    await shoot(s, "exchange-09-rotated");
  });

  it("resolves conflicts side by side", async () => {
    await s.click("[data-testid=exchange-open-conflicts]");
    await s.waitFor("[data-testid=conflicts-screen] [data-testid=conflict]");
    const before = (await s.findAll("[data-testid=conflict]")).length;
    expect(before).toBeGreaterThan(0);
    await shoot(s, "exchange-10-conflicts");
    await s.click("[data-testid=conflict][data-field=label] [data-testid=conflict-merge]");
    await s.waitFor("textarea[name=conflict-merge]");
    await shoot(s, "exchange-11-conflict-merge");
    await s.click("[data-testid=conflict-merge-save]");
    // The note is said once the list shows the engine's state.
    await s.waitFor("[data-testid=conflicts-screen][aria-busy=false] .note.success");
    expect((await s.findAll("[data-testid=conflict]")).length).toBe(before - 1);
    // Choose the first value of each conflict left, one after another, each once the engine
    // answered the last: the conflict is gone from the list (or the engine's refusal is shown).
    for (;;) {
      const left = await s.findAll("[data-testid=conflict]");
      if (left.length === 0) break;
      const key = (await s.attribute(left[0]!, "data-key")) ?? "";
      await s.click(`[data-testid=conflict][data-key="${key}"] [data-testid=conflict-choose]`);
      const answer = await s.waitUntil<string>(
        `the engine's answer to choosing a value of ${key}`,
        `const screen = document.querySelector('[data-testid=conflicts-screen]');
         if (!screen || screen.getAttribute('aria-busy') !== 'false') return '';
         const error = screen.querySelector('[data-testid=error]');
         if (error) return 'refused: ' + error.dataset.code;
         return [...screen.querySelectorAll('[data-testid=conflict]')].some((c) => c.dataset.key === arguments[0]) ? '' : 'resolved';`,
        [key],
      );
      expect(answer).toBe("resolved");
    }
    await s.waitFor("[data-testid=conflicts-empty]");
    await shoot(s, "exchange-12-conflicts-empty");
  });
});
