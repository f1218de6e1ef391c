// A small W3C WebDriver client over fetch: enough to drive the real Kasane window through
// tauri-driver (which forwards to WebKitWebDriver). Written here instead of pulling in a browser
// automation package, which would download browsers and drivers we must not fetch.

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export type Element = { readonly id: string; readonly css: string };

type Answer<T> = { value: T };
type WireError = { error: string; message: string };

export class WebDriverError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(`${kind}: ${message}`);
  }
}

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json; charset=utf-8" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Answer<T | WireError>;
  if (!res.ok) {
    const e = json.value as WireError;
    throw new WebDriverError(e.error ?? String(res.status), e.message ?? "");
  }
  return json.value as T;
}

/**
 * The one timeout of the end-to-end tests: only a guard against a hang, never a wait for time.
 * Every wait below polls for a state the app acknowledged (an element, a text, an attribute
 * rendered from the engine's answer) and returns as soon as it is there; on a busy machine it is
 * there later, not never. KASANE_E2E_TIMEOUT_MS overrides it (e.g. on a very slow machine).
 */
export const TIMEOUT = Number(process.env.KASANE_E2E_TIMEOUT_MS) > 0 ? Number(process.env.KASANE_E2E_TIMEOUT_MS) : 120_000;

/** The pause between two polls of the page: how often to look, not how long to wait. */
const POLL_MS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Session {
  private constructor(
    private readonly base: string,
    readonly id: string,
  ) {}

  static async start(base: string, capabilities: Record<string, unknown>): Promise<Session> {
    const value = await request<{ sessionId: string }>("POST", `${base}/session`, {
      capabilities: { alwaysMatch: capabilities },
    });
    const session = new Session(base, value.sessionId);
    // Scripts (executeAsync, settle) get the same guard as every other wait, not the driver's
    // default of 30 s; no implicit wait, the waits below poll.
    await request("POST", session.url("/timeouts"), { script: TIMEOUT, pageLoad: TIMEOUT, implicit: 0 });
    return session;
  }

  private url(path: string): string {
    return `${this.base}/session/${this.id}${path}`;
  }

  async quit(): Promise<void> {
    await request("DELETE", this.url(""));
  }

  async find(css: string): Promise<Element> {
    const v = await request<Record<string, string>>("POST", this.url("/element"), { using: "css selector", value: css });
    return { id: v[ELEMENT] ?? "", css };
  }

  async findAll(css: string): Promise<Element[]> {
    const list = await request<Record<string, string>[]>("POST", this.url("/elements"), {
      using: "css selector",
      value: css,
    });
    return list.map((v) => ({ id: v[ELEMENT] ?? "", css }));
  }

  /**
   * Waits until an element matching `css` is displayed (and, if asked, enabled, and its text
   * passes `test`). `timeout` is the hang guard; leave it out.
   */
  async waitFor(
    css: string,
    opts: { timeout?: number; text?: (t: string) => boolean; enabled?: boolean } = {},
  ): Promise<Element> {
    const deadline = Date.now() + (opts.timeout ?? TIMEOUT);
    let last = "";
    let seen = false;
    for (;;) {
      try {
        for (const el of await this.findAll(css)) {
          if (!(await this.displayed(el))) continue;
          seen = true;
          if (opts.enabled && !(await this.enabled(el))) continue;
          if (!opts.text) return el;
          const text = await this.text(el);
          last = text;
          if (opts.text(text)) return el;
        }
      } catch (e) {
        if (!(e instanceof WebDriverError) || e.kind !== "stale element reference") throw e;
      }
      if (Date.now() > deadline) {
        const what = opts.text ? ` with the expected text (last seen: "${last}")` : opts.enabled && seen ? " to be enabled" : "";
        throw new Error(`timed out waiting for ${css}${what}`);
      }
      await sleep(POLL_MS);
    }
  }

  /**
   * Waits until `script` (run in the page with `args`) returns something truthy, and returns it.
   * For states only a script can read: a frame's document, a computed style, performance marks.
   * `what` names the state in the error when the guard runs out.
   */
  async waitUntil<T>(what: string, script: string, args: unknown[] = [], timeout = TIMEOUT): Promise<T> {
    const deadline = Date.now() + timeout;
    let last: T | undefined;
    for (;;) {
      last = await this.execute<T>(script, args);
      if (last) return last;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last seen: ${JSON.stringify(last)})`);
      await sleep(POLL_MS);
    }
  }

  /**
   * Waits until the text content of the first element matching `css` passes `test`. For the
   * virtualised list, whose rows WebDriver's visibility rules (positioned, clipped rows) report
   * as hidden although they are painted; the screenshots show them.
   */
  async waitForContent(css: string, test: (t: string) => boolean, timeout = TIMEOUT): Promise<string> {
    const deadline = Date.now() + timeout;
    let last = "";
    for (;;) {
      last = await this.execute<string>(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';",
        [css],
      );
      if (test(last)) return last;
      if (Date.now() > deadline) throw new Error(`timed out waiting for the content of ${css} (last seen: "${last}")`);
      await sleep(POLL_MS);
    }
  }

  async waitGone(css: string, timeout = TIMEOUT): Promise<void> {
    const deadline = Date.now() + timeout;
    while ((await this.findAll(css)).length > 0) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${css} to go away`);
      await sleep(POLL_MS);
    }
  }

  async displayed(el: Element): Promise<boolean> {
    return request<boolean>("GET", this.url(`/element/${el.id}/displayed`));
  }

  async text(el: Element): Promise<string> {
    return request<string>("GET", this.url(`/element/${el.id}/text`));
  }

  async property(el: Element, name: string): Promise<unknown> {
    return request<unknown>("GET", this.url(`/element/${el.id}/property/${name}`));
  }

  async attribute(el: Element, name: string): Promise<string | null> {
    return request<string | null>("GET", this.url(`/element/${el.id}/attribute/${name}`));
  }

  async enabled(el: Element): Promise<boolean> {
    return request<boolean>("GET", this.url(`/element/${el.id}/enabled`));
  }

  /**
   * Clicks as a person would: once the element is shown and enabled (a button disabled while a
   * command runs is clicked when the command is done, not lost). A selector is found again when
   * the page re-rendered the element between finding and clicking it.
   */
  async click(target: Element | string): Promise<void> {
    if (typeof target !== "string") {
      const deadline = Date.now() + TIMEOUT;
      while ((await this.displayed(target)) && !(await this.enabled(target))) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${target.css} to be enabled`);
        await sleep(POLL_MS);
      }
      await request("POST", this.url(`/element/${target.id}/click`), {});
      return;
    }
    for (;;) {
      const el = await this.waitFor(target, { enabled: true });
      try {
        await request("POST", this.url(`/element/${el.id}/click`), {});
        return;
      } catch (e) {
        if (!(e instanceof WebDriverError) || e.kind !== "stale element reference") throw e;
      }
    }
  }

  async clear(target: Element | string): Promise<void> {
    const el = typeof target === "string" ? await this.waitFor(target) : target;
    await request("POST", this.url(`/element/${el.id}/clear`), {});
  }

  /** Types into a field as a person would (key events, so the UI reacts to each keystroke). */
  async type(target: Element | string, text: string): Promise<void> {
    const el = typeof target === "string" ? await this.waitFor(target) : target;
    await request("POST", this.url(`/element/${el.id}/value`), { text });
  }

  /** Chooses an option of a <select> by its value, the way a keyboard or mouse choice does. */
  async choose(selectCss: string, value: string): Promise<void> {
    await this.click(`${selectCss} option[value="${value}"]`);
    const chosen = await this.execute<string>(
      "const s = document.querySelector(arguments[0]); return s ? s.value : '';",
      [selectCss],
    );
    if (chosen !== value) {
      // Some drivers do not select options by clicking; set it and tell the page, as a change would.
      await this.execute(
        "const s = document.querySelector(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change', { bubbles: true }));",
        [selectCss, value],
      );
    }
  }

  async execute<T>(script: string, args: unknown[] = []): Promise<T> {
    return request<T>("POST", this.url("/execute/sync"), { script, args });
  }

  async executeAsync<T>(script: string, args: unknown[] = []): Promise<T> {
    return request<T>("POST", this.url("/execute/async"), { script, args });
  }

  /**
   * Resolves once the page has painted what the last step changed: its fonts are loaded, its
   * finite CSS transitions and animations have finished (a spinner's endless one is left
   * running), and two animation frames have passed. For screenshots only: a test waits for what
   * it checks, never for this.
   */
  async settle(): Promise<void> {
    await this.executeAsync(
      `const done = arguments[arguments.length - 1];
       const running = document.getAnimations().filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity);
       Promise.all([document.fonts.ready, ...running.map((a) => a.finished.catch(() => null))])
         .then(() => requestAnimationFrame(() => requestAnimationFrame(() => done(null))));`,
    );
  }

  async bodyText(): Promise<string> {
    return this.text(await this.find("body"));
  }

  async screenshot(): Promise<Buffer> {
    const b64 = await request<string>("GET", this.url("/screenshot"));
    return Buffer.from(b64, "base64");
  }

  async keys(text: string): Promise<void> {
    const actions = [...text].flatMap((ch) => [
      { type: "keyDown", value: ch },
      { type: "keyUp", value: ch },
    ]);
    await request("POST", this.url("/actions"), { actions: [{ type: "key", id: "keyboard", actions }] });
    await request("DELETE", this.url("/actions"));
  }
}

export const KEY = { enter: "\uE007", escape: "\uE00C", tab: "\uE004", backspace: "\uE003" } as const;
