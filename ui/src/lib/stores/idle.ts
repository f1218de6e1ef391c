// Locks after a stretch without user activity. The timer is restarted on activity, but at most
// once a second, so mouse movement does not churn timers.

export type Timers = {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

const browserTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
};

export class IdleLock {
  private handle: unknown = null;
  private lastActivity = 0;
  private lastArmed = 0;
  private running = false;

  constructor(
    private timeoutMs: number,
    private readonly onIdle: () => void,
    private readonly timers: Timers = browserTimers,
  ) {}

  start(): void {
    this.running = true;
    this.lastActivity = this.timers.now();
    this.arm(this.timeoutMs);
  }

  stop(): void {
    this.running = false;
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.handle = null;
  }

  setTimeout(ms: number): void {
    this.timeoutMs = ms;
    if (!this.running) return;
    this.lastActivity = this.timers.now();
    this.arm(ms);
  }

  /** Call on every keypress, click, scroll or pointer movement. */
  activity(): void {
    if (!this.running) return;
    const now = this.timers.now();
    this.lastActivity = now;
    if (now - this.lastArmed >= 1000) this.arm(this.timeoutMs);
  }

  private arm(ms: number): void {
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.lastArmed = this.timers.now();
    this.handle = this.timers.setTimeout(() => this.fire(), ms);
  }

  private fire(): void {
    this.handle = null;
    if (!this.running) return;
    // Activity after the timer was armed (but too soon to re-arm) pushes the deadline on.
    const remaining = this.lastActivity + this.timeoutMs - this.timers.now();
    if (remaining > 0) {
      this.arm(remaining);
      return;
    }
    this.running = false;
    this.onIdle();
  }
}
