// How every command reaches the app: invoke, with any rejection turned into a CommandError so
// screens handle one shape, and progress channels that call back into the window. The generated
// command functions (commands.gen.ts) are built on these two and nothing else.
import { Channel, invoke } from "@tauri-apps/api/core";

import type { CommandError } from "./types/CommandError";

/** Narrows an unknown rejection to the command error shape the Rust side sends. */
export function isCommandError(e: unknown): e is CommandError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { code?: unknown }).code === "string" &&
    typeof (e as { kind?: unknown }).kind === "string"
  );
}

/** Anything that is not a CommandError (an IPC failure, a bug) becomes one, so screens handle one shape. */
export function asCommandError(e: unknown): CommandError {
  if (isCommandError(e)) return e;
  return {
    code: "internal.ipc",
    kind: "internal",
    detail: e instanceof Error ? e.message : String(e),
    message_ja: "",
    field: null,
    date: null,
  };
}

export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw asCommandError(e);
  }
}

/** A channel for one command's progress reports, each handed to `onProgress` as it arrives. */
export function channel<P>(onProgress: (p: P) => void): Channel<P> {
  const c = new Channel<P>();
  c.onmessage = onProgress;
  return c;
}
