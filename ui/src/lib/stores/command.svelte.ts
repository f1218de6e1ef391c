// What a screen shows while it asks the engine something: whether it is waiting (busy) and what
// went wrong (error). A resource is something loaded and shown (a meeting, a list); an action is
// something done (save, remove). Every rejection is kept as a CommandError, so a failed IPC call
// or a bug shows as an error instead of nothing.
import { asCommandError } from "../backend";
import type { CommandError } from "../backend/types/CommandError";

// Re-exported so screens that keep their own loading logic convert rejections the same way.
export { asCommandError };

/** Something loaded from the engine: the last value it gave, and the state of the latest load. */
export class Resource<T> {
  /** The last value loaded; kept while a reload runs and when one fails. */
  value = $state<T | null>(null);
  busy = $state(false);
  error = $state<CommandError | null>(null);
  readonly #load: () => Promise<T>;
  /** Counts loads, so only the latest one's answer is shown when several overlap. */
  #latest = 0;

  constructor(load: () => Promise<T>) {
    this.#load = load;
  }

  /** Loads again; resolves to whether this load's value (or error) is the one now shown. */
  async reload(): Promise<boolean> {
    const mine = ++this.#latest;
    this.busy = true;
    try {
      const value = await this.#load();
      if (mine !== this.#latest) return false;
      this.value = value;
      this.error = null;
      return true;
    } catch (e) {
      if (mine === this.#latest) this.error = asCommandError(e);
      return false;
    } finally {
      if (mine === this.#latest) this.busy = false;
    }
  }
}

/** Something done through the engine: busy while it runs, its error when it failed. */
export class Action<A extends unknown[]> {
  busy = $state(false);
  error = $state<CommandError | null>(null);
  readonly #run: (...args: A) => Promise<unknown>;

  constructor(run: (...args: A) => Promise<unknown>) {
    this.#run = run;
  }

  /** Runs once: clears the last error, and resolves to whether it succeeded (never rejects). */
  async run(...args: A): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      await this.#run(...args);
      return true;
    } catch (e) {
      this.error = asCommandError(e);
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** Forgets the last error (a form closed, a dialog cancelled). */
  clear(): void {
    this.error = null;
  }
}

/** A resource not yet loaded: call reload() (usually in onMount) to load it. */
export function resource<T>(load: () => Promise<T>): Resource<T> {
  return new Resource(load);
}

/** An action, run with run(...args). */
export function action<A extends unknown[] = []>(run: (...args: A) => Promise<unknown>): Action<A> {
  return new Action(run);
}
