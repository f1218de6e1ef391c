import { describe, expect, it } from "vitest";

import { i18n } from "../i18n/index.svelte";
import { IdleLock, type Timers } from "./idle";
import { DEFAULTS, loadPreferences, parsePreferences, preferences, setPreference } from "./preferences.svelte";
import { back, go, needsVault, router, showLocked } from "./router.svelte";
import { agencyName, clearSession, current, signIn, workerName } from "./session.svelte";

class FakeTimers implements Timers {
  t = 0;
  private next = 1;
  private pending = new Map<number, { at: number; fn: () => void }>();
  now() {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number) {
    const id = this.next++;
    this.pending.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(h: unknown) {
    this.pending.delete(h as number);
  }
  advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, p]) => p.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = end;
  }
}

describe("idle lock", () => {
  it("locks after the chosen time without activity", () => {
    const timers = new FakeTimers();
    let locked = 0;
    const idle = new IdleLock(60_000, () => locked++, timers);
    idle.start();
    timers.advance(59_999);
    expect(locked, "not before the time is up").toBe(0);
    timers.advance(1);
    expect(locked, "exactly once when the time is up").toBe(1);
    timers.advance(120_000);
    expect(locked, "a lock fires once").toBe(1);
  });

  it("moves the deadline on with each activity, even between re-arms", () => {
    const timers = new FakeTimers();
    let locked = 0;
    const idle = new IdleLock(60_000, () => locked++, timers);
    idle.start();
    timers.advance(30_000);
    idle.activity();
    timers.advance(500);
    idle.activity(); // within a second of the last re-arm: recorded, not re-armed
    timers.advance(59_600);
    expect(locked, "the last activity was 59.6 s ago: not yet idle for a minute").toBe(0);
    timers.advance(400);
    expect(locked, "a minute after the last activity").toBe(1);
  });

  it("does nothing once stopped, and a new time applies at once", () => {
    const timers = new FakeTimers();
    let locked = 0;
    const idle = new IdleLock(60_000, () => locked++, timers);
    idle.start();
    idle.setTimeout(5_000);
    timers.advance(5_000);
    expect(locked, "the shorter time took effect").toBe(1);
    idle.start();
    idle.stop();
    timers.advance(600_000);
    expect(locked, "a stopped timer never locks").toBe(1);
  });
});

describe("preferences", () => {
  it("start in Japanese with normal text and ten minutes", () => {
    expect(parsePreferences(null)).toEqual(DEFAULTS);
    expect(DEFAULTS.locale).toBe("ja");
  });

  it("ignore broken or invalid stored values instead of failing", () => {
    expect(parsePreferences("{not json")).toEqual(DEFAULTS);
    expect(parsePreferences(JSON.stringify({ locale: "fr", textSize: "huge", autoLockMinutes: 7 }))).toEqual(DEFAULTS);
    expect(parsePreferences(JSON.stringify({ locale: "en", textSize: "large", autoLockMinutes: 5 }))).toMatchObject({
      locale: "en",
      textSize: "large",
      autoLockMinutes: 5,
    });
  });

  it("are saved when changed and switch the language at once", () => {
    const saved = new Map<string, string>();
    const store = { getItem: (k: string) => saved.get(k) ?? null, setItem: (k: string, v: string) => void saved.set(k, v) };
    loadPreferences(store);
    setPreference("locale", "en");
    expect(i18n.locale, "the UI language follows the preference").toBe("en");
    setPreference("autoLockMinutes", 3);
    const again = parsePreferences([...saved.values()][0] ?? null);
    expect(again.locale).toBe("en");
    expect(again.autoLockMinutes).toBe(3);
    setPreference("locale", "ja");
    expect(preferences.locale).toBe("ja");
  });
});

describe("router and session", () => {
  it("keeps a back history only between unlocked screens", () => {
    go({ name: "home" });
    go({ name: "households" });
    go({ name: "household", id: "h1" });
    back();
    expect(router.screen).toEqual({ name: "households" });
    expect(needsVault({ name: "unlock", path: "/v", notice: null })).toBe(false);
  });

  it("forgets every screen and all session data on lock", () => {
    signIn(
      {
        vault_id: "v",
        path: "/v",
        agency_id: "a",
        agency_name: "福祉総務課",
        worker_id: "w",
        worker_name: "山田",
        today: { iso: "2026-06-14", wareki: "令和8年6月14日" },
      },
      { agencies: [{ id: "a", name: "福祉総務課", code: null, label: "福祉総務課" }], workers: [{ id: "w", name: "山田", agency: "a" }] },
    );
    expect(agencyName("a")).toBe("福祉総務課");
    expect(workerName("w")).toBe("山田");
    go({ name: "case", id: "c1" });
    clearSession();
    showLocked("/v", "idle");
    expect(current.session, "no session after lock").toBeNull();
    expect(current.directory, "no directory after lock").toBeNull();
    expect(router.history, "no way back to a case screen").toEqual([]);
    expect(router.screen).toEqual({ name: "unlock", path: "/v", notice: "idle" });
  });
});
