// The window's only way to the engine: one typed function per Tauri command, generated from the
// Rust command table (commands.gen.ts), gathered here as `backend`. This folder is the only place
// that imports @tauri-apps/*; every type crossing the boundary is generated from Rust (./types
// and commands.gen.ts, do not edit by hand). A failed command rejects with a CommandError.
import * as commands from "./commands.gen";
import type { CommandError } from "./types/CommandError";
import type { Progress } from "./types/Progress";

export { asCommandError, isCommandError } from "./call";
export type { CommandError, Progress };

export const backend = { ...commands };
