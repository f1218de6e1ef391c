/// <reference types="node" />
// The window reaches Tauri only through src/lib/backend: no other file may import @tauri-apps/*,
// so every call to the app goes through the typed functions there.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

import { describe, expect, it } from "vitest";

const src = join(import.meta.dirname, "..", "..");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|svelte)$/.test(name) ? [path] : [];
  });
}

describe("the backend boundary", () => {
  it("is the only place that imports @tauri-apps", () => {
    const offenders = files(src)
      .filter((f) => !relative(src, f).startsWith(join("lib", "backend")))
      .filter((f) => /from\s+["']@tauri-apps\//.test(readFileSync(f, "utf8")));
    expect(offenders.map((f) => relative(src, f)), "files importing @tauri-apps outside lib/backend").toEqual([]);
  });

  it("is actually used: lib/backend imports @tauri-apps itself", () => {
    const backend = files(join(src, "lib", "backend")).filter((f) => !f.includes(`${join("backend", "types")}`));
    expect(backend.some((f) => /from\s+["']@tauri-apps\/api\/core["']/.test(readFileSync(f, "utf8")))).toBe(true);
  });
});
