// Starts tauri-driver (which starts WebKitWebDriver, which starts the Kasane binary) with a
// private HOME, so each run sees a first start: no vault, no saved preferences. Passing the HOME
// of an earlier launch starts the same "PC" again: its vault and preferences are still there.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { Session } from "./webdriver";

export const repo = resolve(import.meta.dirname, "..", "..");
export const screenshots = process.env.KASANE_SCREENSHOTS ?? join(repo, "artifacts", "screenshots");

export type App = { session: Session; home: string; stop: () => Promise<void> };

function env(name: string, fallback: string): string {
  return process.env[name] && process.env[name] !== "" ? (process.env[name] as string) : fallback;
}

async function waitForPort(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/status`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`tauri-driver did not start at ${url}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function launch(extraEnv: Record<string, string> = {}, port = 4444, reuseHome?: string): Promise<App> {
  const target = env("CARGO_TARGET_DIR", join(repo, "target"));
  const app = env("KASANE_APP", join(target, "debug", "kasane-desktop"));
  const driver = env("TAURI_DRIVER", join(repo, ".tools", "bin", "tauri-driver"));
  const home = reuseHome ?? mkdtempSync(join(tmpdir(), "kasane-e2e-"));
  mkdirSync(join(home, ".config"), { recursive: true });
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
  try {
    await waitForPort(base, 20_000);
  } catch (e) {
    child.kill();
    throw new Error(`${String(e)}\n${log.join("")}`);
  }
  const session = await Session.start(base, { "tauri:options": { application: app } });
  return {
    session,
    home,
    stop: async () => {
      try {
        await session.quit();
      } finally {
        child.kill();
        writeFileSync(join(home, "tauri-driver.log"), log.join(""));
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
