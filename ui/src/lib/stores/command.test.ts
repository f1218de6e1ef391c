import { describe, expect, it } from "vitest";

import type { CommandError } from "../backend/types/CommandError";
import { action, asCommandError, resource } from "./command.svelte";

const refused: CommandError = {
  code: "refused",
  kind: "refused",
  detail: "not now",
  message_ja: "今はできません",
  field: null,
  date: null,
};

/** A promise the test settles by hand, so "while pending" is a state, not a moment in time. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("asCommandError", () => {
  it("keeps a CommandError as it is", () => {
    expect(asCommandError(refused)).toBe(refused);
  });

  it("turns anything else into an internal.ipc error with its message", () => {
    expect(asCommandError(new Error("channel closed"))).toEqual({
      code: "internal.ipc",
      kind: "internal",
      detail: "channel closed",
      message_ja: "",
      field: null,
      date: null,
    });
    expect(asCommandError("plain text").detail).toBe("plain text");
    expect(asCommandError(undefined).code).toBe("internal.ipc");
  });
});

describe("resource", () => {
  it("is busy while loading and then holds the value", async () => {
    const d = deferred<number>();
    const r = resource(() => d.promise);
    expect(r.value).toBeNull();
    expect(r.busy).toBe(false);
    const done = r.reload();
    expect(r.busy).toBe(true);
    d.resolve(7);
    expect(await done).toBe(true);
    expect(r.busy).toBe(false);
    expect(r.value).toBe(7);
    expect(r.error).toBeNull();
  });

  it("keeps a CommandError rejection and the last value", async () => {
    let fail = false;
    const r = resource(() => (fail ? Promise.reject(refused) : Promise.resolve("first")));
    await r.reload();
    fail = true;
    expect(await r.reload()).toBe(false);
    expect(r.error).toBe(refused);
    expect(r.value).toBe("first");
    expect(r.busy).toBe(false);
  });

  it("shows any other rejection as an error instead of dropping it", async () => {
    const r = resource<number>(() => Promise.reject(new TypeError("x is undefined")));
    expect(await r.reload()).toBe(false);
    expect(r.error?.code).toBe("internal.ipc");
    expect(r.error?.detail).toBe("x is undefined");
  });

  it("clears the error once a load succeeds", async () => {
    let fail = true;
    const r = resource(() => (fail ? Promise.reject(refused) : Promise.resolve(1)));
    await r.reload();
    fail = false;
    await r.reload();
    expect(r.error).toBeNull();
    expect(r.value).toBe(1);
  });

  it("shows the latest load's answer when loads overlap", async () => {
    const slow = deferred<string>();
    const fast = deferred<string>();
    const queue = [slow.promise, fast.promise];
    const r = resource(() => queue.shift() as Promise<string>);
    const first = r.reload();
    const second = r.reload();
    fast.resolve("latest");
    expect(await second).toBe(true);
    expect(r.busy).toBe(false);
    slow.resolve("stale");
    expect(await first).toBe(false);
    expect(r.value).toBe("latest");
  });

  it("stays busy until the latest of overlapping loads is done", async () => {
    const slow = deferred<string>();
    const fast = deferred<string>();
    const queue = [slow.promise, fast.promise];
    const r = resource(() => queue.shift() as Promise<string>);
    const first = r.reload();
    const second = r.reload();
    slow.resolve("stale");
    await first;
    expect(r.busy).toBe(true);
    expect(r.value).toBeNull();
    fast.resolve("latest");
    await second;
    expect(r.busy).toBe(false);
    expect(r.value).toBe("latest");
  });
});

describe("action", () => {
  it("is busy while running and resolves to true on success", async () => {
    const d = deferred<void>();
    const seen: string[] = [];
    const a = action((what: string) => {
      seen.push(what);
      return d.promise;
    });
    const done = a.run("save");
    expect(a.busy).toBe(true);
    expect(seen).toEqual(["save"]);
    d.resolve();
    expect(await done).toBe(true);
    expect(a.busy).toBe(false);
    expect(a.error).toBeNull();
  });

  it("keeps a CommandError rejection and never rejects itself", async () => {
    const a = action(() => Promise.reject(refused));
    expect(await a.run()).toBe(false);
    expect(a.error).toBe(refused);
    expect(a.busy).toBe(false);
  });

  it("shows a thrown bug as an error instead of dropping it", async () => {
    const a = action(async () => {
      throw new Error("boom");
    });
    expect(await a.run()).toBe(false);
    expect(a.error).toMatchObject({ code: "internal.ipc", kind: "internal", detail: "boom" });
  });

  it("clears the last error when run again, and on clear()", async () => {
    let fail = true;
    const a = action(() => (fail ? Promise.reject(refused) : Promise.resolve()));
    await a.run();
    expect(a.error).toBe(refused);
    fail = false;
    const pending = a.run();
    expect(a.error).toBeNull();
    await pending;
    fail = true;
    await a.run();
    a.clear();
    expect(a.error).toBeNull();
  });
});
