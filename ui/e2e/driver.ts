// Starts tauri-driver (which starts WebKitWebDriver, which starts the Kasane binary) with a
// private HOME, so each run sees a first start: no vault, no saved preferences. Passing the HOME
// of an earlier launch starts the same "PC" again: its vault and preferences are still there.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { Session, TIMEOUT } from "./webdriver";

export const repo = resolve(import.meta.dirname, "..", "..");
export const screenshots = process.env.KASANE_SCREENSHOTS ?? join(repo, "artifacts", "screenshots");

export type App = { session: Session; home: string; stop: () => Promise<void> };

function env(name: string, fallback: string): string {
  return process.env[name] && process.env[name] !== "" ? (process.env[name] as string) : fallback;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether nothing listens on 127.0.0.1:`port` (we could listen there ourselves). */
function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once("error", () => done(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => done(true)));
  });
}

/**
 * Waits until the ports are free: a driver of an earlier launch on them has gone. tauri-driver
 * started on a taken port does not fail, it waits for a signal; and /status would then be
 * answered by the old one.
 */
async function waitForFreePorts(ports: number[]): Promise<void> {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const taken: number[] = [];
    for (const p of ports) if (!(await portFree(p))) taken.push(p);
    if (taken.length === 0) return;
    if (Date.now() > deadline) throw new Error(`ports ${taken.join(", ")} are still in use by another process`);
    await pause(100);
  }
}

/**
 * Waits until tauri-driver and the WebKitWebDriver behind it answer /status with ready: true
 * (tauri-driver forwards /status to the native driver, so both are up). Fails at once when
 * tauri-driver ended instead.
 */
async function waitForDriver(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + TIMEOUT;
  let last = "no answer";
  for (;;) {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`tauri-driver ended (${child.exitCode ?? child.signalCode}) before it was ready`);
    }
    try {
      const res = await fetch(`${url}/status`);
      const body = (await res.json()) as { value?: { ready?: boolean; message?: string } };
      if (res.ok && body.value?.ready === true) return;
      last = `${res.status} ${JSON.stringify(body)}`;
    } catch (e) {
      last = String(e); // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`tauri-driver at ${url} was not ready (last answer: ${last})`);
    await pause(100);
  }
}

/** Resolves with `done`; if the guard runs out first, calls `kill` and waits for `done` again. */
async function guarded(done: Promise<void>, kill: () => void): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<"guard">((r) => (timer = setTimeout(() => r("guard"), TIMEOUT)));
  const first = await Promise.race([done.then(() => "done" as const), guard]);
  clearTimeout(timer);
  if (first === "guard") {
    kill();
    await done;
  }
}

/** Every process below `root` (WebKitWebDriver, the app, WebKit's processes), from /proc. */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const ppid = Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${d}/status`, "utf8"))?.[1] ?? 0);
      parent.set(Number(d), ppid);
    } catch {
      // the process ended while reading
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    for (const [child, ppid] of parent) {
      if (ppid === pid) {
        out.push(child);
        stack.push(child);
      }
    }
  }
  return out;
}

/** A process for an error message: its id and command line. */
function describe(pid: number): string {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim()}`;
  } catch {
    return String(pid);
  }
}

/** A process's state and start time (clock ticks after boot), from /proc/<pid>/stat. */
function stat(pid: number): { state: string; started: string } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The fields after the command name, which is in parentheses and may hold spaces.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0] ?? "", started: fields[19] ?? "" };
  } catch {
    return null;
  }
}

/** One process of a launch: its id and start time, so a later process given the same id is not it. */
type Proc = { pid: number; started: string };

function snapshot(pids: number[]): Proc[] {
  return pids.flatMap((pid) => {
    const st = stat(pid);
    return st ? [{ pid, started: st.started }] : [];
  });
}

/** Whether the process still runs (a zombie waiting for its parent counts as gone). */
function running(p: Proc): boolean {
  const st = stat(p.pid);
  return st !== null && st.started === p.started && st.state !== "Z";
}

/** The parent of `pid`, 0 when it has ended. */
function parentOf(pid: number): number {
  try {
    return Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Waits until every one of `procs` (the processes of one launch) has ended. One whose parent of
 * that launch has ended is an orphan and is asked to end (SIGTERM), once: WebKitWebDriver ends the
 * app, and the app's WebKit processes usually follow it, but not always (seen: both left running
 * for minutes on a busy machine). The guard sends SIGKILL to what is left.
 */
async function waitForExit(procs: Proc[]): Promise<void> {
  const asked = new Set<number>();
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const left = procs.filter(running);
    if (left.length === 0) return;
    for (const p of left) {
      const parent = left.find((q) => q.pid === parentOf(p.pid));
      if (asked.has(p.pid) || parent) continue;
      asked.add(p.pid);
      try {
        process.kill(p.pid, "SIGTERM");
      } catch {
        // ended meanwhile
      }
    }
    if (Date.now() > deadline) {
      const described = left.map((p) => describe(p.pid)).join("; ");
      for (const p of left) {
        if (!running(p)) continue;
        try {
          process.kill(p.pid, "SIGKILL");
        } catch {
          // ended meanwhile
        }
      }
      throw new Error(`processes of the app did not end after the session closed: ${described}`);
    }
    await pause(100);
  }
}

export async function launch(extraEnv: Record<string, string> = {}, port = 4444, reuseHome?: string): Promise<App> {
  const target = env("CARGO_TARGET_DIR", join(repo, "target"));
  const app = env("KASANE_APP", join(target, "debug", "kasane-desktop"));
  const driver = env("TAURI_DRIVER", join(repo, ".tools", "bin", "tauri-driver"));
  const home = reuseHome ?? mkdtempSync(join(tmpdir(), "kasane-e2e-"));
  mkdirSync(join(home, ".config"), { recursive: true });
  await waitForFreePorts([port, port + 1]);
  const child: ChildProcess = spawn(
    driver,
    ["--port", String(port), "--native-port", String(port + 1), "--native-driver", "/usr/bin/WebKitWebDriver"],
    {
      env: {
        ...process.env,
        HOME: home,
        XDG_DATA_HOME: join(home, ".local", "share"),
        XDG_CONFIG_HOME: join(home, ".config"),
        XDG_CACHE_HOME: join(home, ".cache"),
        // Dates are counted in Japan's calendar, as on a municipal PC.
        TZ: "Asia/Tokyo",
        LANG: "C.UTF-8",
        ...extraEnv,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const log: string[] = [];
  child.stdout?.on("data", (d: Buffer) => log.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => log.push(d.toString()));
  const base = `http://127.0.0.1:${port}`;
  // Ends on exit, or at once when tauri-driver could not be started at all.
  const exited = new Promise<void>((done) => {
    child.once("exit", () => done());
    child.once("error", (e) => {
      log.push(`could not start ${driver}: ${String(e)}\n`);
      done();
    });
  });
  const ended = () => guarded(exited, () => child.kill("SIGKILL"));
  let session: Session;
  try {
    await waitForDriver(base, child);
    session = await Session.start(base, { "tauri:options": { application: app } });
  } catch (e) {
    const left = snapshot(child.pid ? descendants(child.pid) : []);
    child.kill();
    await ended();
    await waitForExit(left).catch(() => undefined);
    throw new Error(`${String(e)}\n${log.join("")}`);
  }
  return {
    session,
    home,
    // Closes the window and waits until the driver, WebKitWebDriver and the app have all ended,
    // so the next launch (perhaps on the same HOME and vault) starts on a quiet PC.
    stop: async () => {
      const procs = snapshot(child.pid ? descendants(child.pid) : []);
      try {
        await session.quit();
      } finally {
        // tauri-driver ends WebKitWebDriver on SIGTERM, then itself.
        child.kill("SIGTERM");
        await ended();
        writeFileSync(join(home, "tauri-driver.log"), log.join(""));
        await waitForExit(procs);
      }
    },
  };
}

export async function shoot(session: Session, name: string): Promise<string> {
  mkdirSync(screenshots, { recursive: true });
  // Let the page finish painting what the last step changed before capturing it.
  await session.settle();
  const path = join(screenshots, `${name}.png`);
  writeFileSync(path, await session.screenshot());
  return path;
}
