// The window on a vault full of data (the engine's synthetic city), opened the way the demo is:
// KASANE_VAULT names the folder, so the app starts on its unlock screen. Saves screenshots of the
// main screens with real-looking data and measures startup, unlock, the household list and
// type-ahead search. Runs when KASANE_E2E_DEMO_VAULT and KASANE_E2E_DEMO_PASSPHRASE are set.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type App, launch, repo, shoot } from "./driver";
import type { Session } from "./webdriver";

const vault = process.env.KASANE_E2E_DEMO_VAULT ?? "";
const passphrase = process.env.KASANE_E2E_DEMO_PASSPHRASE ?? "";
const tag = process.env.KASANE_E2E_DEMO_TAG ?? "demo";
/** A spreadsheet reader independent of the writer (src-tauri/examples/xlsx_dump.rs). */
const xlsxDump = process.env.KASANE_XLSX_DUMP ?? "";

const figures: Record<string, number | string> = {};

let app: App;
let s: Session;

async function measures(name: string): Promise<number[]> {
  return s.execute<number[]>("return performance.getEntriesByName(arguments[0]).map(e => e.duration);", [name]);
}

/** Resident memory (kB) of the app process and the WebKit processes it started. */
function residentKb(): { app: number; total: number } {
  const procs = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  const info = new Map<number, { ppid: number; rss: number; name: string }>();
  for (const pid of procs) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const name = /Name:\s+(.+)/.exec(status)?.[1] ?? "";
      info.set(Number(pid), { ppid, rss, name });
    } catch {
      // the process ended while reading
    }
  }
  const root = [...info.entries()].find(([, p]) => p.name.startsWith("kasane-desktop"));
  if (!root) return { app: 0, total: 0 };
  let total = 0;
  const stack = [root[0]];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    total += info.get(pid)?.rss ?? 0;
    for (const [child, p] of info) if (p.ppid === pid) stack.push(child);
  }
  return { app: root[1].rss, total };
}

describe.skipIf(vault === "" || passphrase === "")("a vault full of data", () => {
  beforeAll(async () => {
    const started = Date.now();
    app = await launch({ KASANE_VAULT: vault }, 4446);
    s = app.session;
    await s.waitFor("[data-testid=unlock-screen] input[name=passphrase]");
    figures.startup_to_unlock_screen_ms = Date.now() - started;
    const mark = await s.execute<number>(
      "const m = performance.getEntriesByName('kasane:unlock-screen')[0]; return m ? m.startTime : -1;",
    );
    figures.page_load_to_unlock_screen_ms = Math.round(mark);
  });

  afterAll(async () => {
    await app?.stop();
    mkdirSync(join(repo, "artifacts"), { recursive: true });
    writeFileSync(join(repo, "artifacts", `measurements-${tag}.json`), JSON.stringify(figures, null, 2));
    console.log(`measurements (${tag}):`, figures);
  });

  it("opens on the KASANE_VAULT folder's unlock screen and unlocks", async () => {
    expect(await s.bodyText(), "the unlock screen names the folder from KASANE_VAULT").toContain(vault);
    await shoot(s, `${tag}-01-unlock`);
    await s.type("input[name=passphrase]", passphrase);
    const started = Date.now();
    await s.click("button[type=submit].primary");
    await s.waitFor("[data-testid=home-reviews] .cases");
    figures.unlock_to_home_ms = Date.now() - started;
    // In the page: the click to the review list shown, and the unlock command (the KDF) in it.
    figures.unlock_to_home_in_page_ms = Math.round((await measures("kasane:unlock-to-home"))[0] ?? -1);
    figures.unlock_command_ms = Math.round((await measures("kasane:unlock-command"))[0] ?? -1);
    await shoot(s, `${tag}-02-home`);
  });

  it("lists every household quickly, virtualised", async () => {
    const started = Date.now();
    await s.click("[data-testid=nav-households]");
    await s.waitFor("#household-0");
    figures.households_click_to_first_row_ms = Date.now() - started;
    await s.waitUntil("the list's first-paint measure", "return performance.getEntriesByName('kasane:households-first-paint').length > 0;");
    const painted = await measures("kasane:households-first-paint");
    expect(painted.length, "the list measures its first paint").toBe(1);
    figures.households_first_paint_ms = Math.round(painted[0] ?? -1);
    const count = await s.text(await s.find("[data-testid=household-count]"));
    figures.households_listed = count;
    const rendered = (await s.findAll("[role=option]")).length;
    expect(rendered, "only the rows in view (and a few more) are in the page").toBeLessThan(60);
    await shoot(s, `${tag}-03-households`);
    // Scrolling to the end renders the last rows without rendering the rest.
    // Focus the list as Tab would (a click would open the row under the pointer), then press End.
    await s.execute("document.querySelector('[role=listbox]').focus();");
    await s.keys("\uE010"); // End
    // Read in the page: rows are replaced while the list scrolls, so a held element goes stale.
    const total = await s.execute<number>(
      "return Number(document.querySelector('[role=option]')?.getAttribute('aria-setsize') ?? 0);",
    );
    expect(total, "each row tells screen readers the size of the whole list").toBeGreaterThan(100);
    await s.waitForContent(`[role=option][aria-posinset="${total}"][aria-selected=true]`, (t) => t.length > 0);
    await s.choose("select[name=filter-district]", "kamakura-2");
    // The engine's list for the district (data-district), not the whole list still shown.
    await s.waitFor("[data-testid=household-count][aria-busy=false][data-district=kamakura-2]");
    await shoot(s, `${tag}-04-households-filtered`);
    await s.choose("select[name=filter-district]", "");
    await s.waitFor('[data-testid=household-count][aria-busy=false][data-district=""]');
  });

  it("answers type-ahead search keystroke by keystroke", async () => {
    const box = await s.waitFor("input[name=search]");
    const keystroke: number[] = [];
    // Typed as a person types while watching the results: each keystroke, then its answer (the
    // results for the query typed so far), then the next keystroke.
    for (const query of ["たかはし", "takahashi", "高橋", "鈴木 大船"]) {
      await s.clear(box);
      let typed = "";
      for (const ch of query) {
        typed += ch;
        await s.type(box, ch);
        if (typed.trim() === "") continue;
        await s.waitUntil(
          `the results for "${typed}"`,
          "const r = document.querySelector('[data-testid=search-results]'); return !!r && r.getAttribute('aria-busy') === 'false' && r.dataset.query === arguments[0];",
          [typed],
        );
      }
    }
    keystroke.push(...(await measures("kasane:keystroke-to-result")));
    const engine = await measures("kasane:search");
    const sorted = [...keystroke].sort((a, b) => a - b);
    figures.search_keystroke_to_result_median_ms = Math.round(sorted[Math.floor(sorted.length / 2)] ?? -1);
    figures.search_keystroke_to_result_max_ms = Math.round(sorted.at(-1) ?? -1);
    figures.search_request_to_render_median_ms = Math.round(
      [...engine].sort((a, b) => a - b)[Math.floor(engine.length / 2)] ?? -1,
    );
    figures.search_samples = keystroke.length;
    await s.clear(box);
    await s.type(box, "たかはし");
    await s.waitFor('[data-testid=search-results][aria-busy=false][data-query="たかはし"] button[data-kind=person]');
    await shoot(s, `${tag}-05-search`);
  });

  it("shows a household and a case with their data", async () => {
    await s.click("[data-testid=search-results] button[data-kind=person]");
    await s.waitFor("[data-testid=members]");
    await shoot(s, `${tag}-06-household`);
    // The household page shows members and cases from one answer of the engine.
    const cases = await s.findAll("ul.cases button.case");
    if (cases.length > 0 && cases[0]) {
      await s.click(cases[0]);
      await s.waitFor("[data-testid=case-title]");
      await shoot(s, `${tag}-07-case`);
    }
    const rss = residentKb();
    figures.resident_app_mb = Math.round(rss.app / 1024);
    figures.resident_with_webkit_mb = Math.round(rss.total / 1024);
  });

  it.skipIf(xlsxDump === "")("counts the year, regroups, and saves tables a spreadsheet reader reads back", async () => {
    await s.click("[data-testid=nav-statistics]");
    await s.waitFor("[data-testid=statistics-screen][aria-busy=false] [data-testid=stats-table][data-key=intake]");
    const fy = await s.execute<string>("return document.querySelector('select[name=stats-year]').value;");
    const previous = String(Number(fy) - 1);
    await s.choose("select[name=stats-year]", previous);
    await s.waitFor("[data-testid=stats-heading]", { text: (t) => t.startsWith(`${previous}-04-01`) });
    await s.choose("select[name=stats-by]", "district");
    await s.waitFor("[data-testid=stats-heading]", { text: (t) => t.includes("地区別") });
    await shoot(s, `${tag}-10-statistics`);
    const shown = Number(
      await s.execute<string>(
        "const cells = document.querySelectorAll('[data-testid=stats-table][data-key=intake] tr[data-row=all] td'); return cells[cells.length - 1].textContent.trim();",
      ),
    );
    expect(shown, "the demo city took consultations that year").toBeGreaterThan(0);

    const folder = mkdtempSync(join(tmpdir(), "kasane-stats-"));
    await s.execute("document.querySelector('input[name=stats-folder]').scrollIntoView({ block: 'center' });");
    await s.type("input[name=stats-folder]", folder);
    await s.click("[data-testid=stats-csv]");
    const csvPath = (await s.attribute(await s.waitFor("[data-testid=stats-saved]"), "data-path")) ?? "";
    expect(csvPath.endsWith(".csv")).toBe(true);
    const csv = readFileSync(csvPath);
    expect([...csv.subarray(0, 3)], "UTF-8 with a byte-order mark, for Excel").toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.toString("utf8").slice(1).split("\r\n");
    const intake = lines.indexOf("新規相談受付件数（経路別）（件）");
    const total = lines.slice(intake).find((l) => l.startsWith("計,"))!.split(",");
    expect(Number(total[total.length - 1]), "the CSV's total is the one on screen").toBe(shown);

    await s.click("[data-testid=stats-xlsx]");
    const xlsxPath = await s.waitUntil<string>(
      "the workbook saved",
      "const p = document.querySelector('[data-testid=stats-saved]')?.getAttribute('data-path') ?? ''; return p.endsWith('.xlsx') ? p : '';",
    );
    const book = JSON.parse(execFileSync(xlsxDump, [xlsxPath], { encoding: "utf8" })) as {
      sheets: { name: string; rows: (string | number | null)[][] }[];
    };
    const tables = await s.findAll("[data-testid=stats-table]");
    expect(book.sheets.length, "a sheet per table").toBe(tables.length);
    const sheet = book.sheets[0]!;
    expect(sheet.rows[0]![0]).toBe("新規相談受付件数（経路別）（件）");
    const row = sheet.rows.find((r) => r[0] === "計")!;
    expect(row[row.length - 1], "the workbook's total is a number, the one on screen").toBe(shown);
  });

  it("scales the whole window with the larger text setting", async () => {
    await s.click("[data-testid=nav-settings]");
    await s.choose("select[name=text-size]", "xlarge");
    const px = await s.waitUntil<string>(
      "the larger root text",
      "const px = getComputedStyle(document.documentElement).fontSize; return px !== '16px' ? px : '';",
    );
    expect(px, "特大 makes the root text 137.5% of 16 px").toBe("22px");
    await s.click("[data-testid=nav-households]");
    await s.waitFor("#household-0");
    await shoot(s, `${tag}-08-households-large-text`);
    await s.click("[data-testid=nav-home]");
    await s.waitFor("[data-testid=home-reviews]");
    await shoot(s, `${tag}-09-home-large-text`);
    await s.click("[data-testid=nav-settings]");
    await s.choose("select[name=text-size]", "normal");
    await s.waitUntil("the normal root text", "return getComputedStyle(document.documentElement).fontSize === '16px';");
  });
});
