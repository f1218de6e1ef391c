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
    return new Session(base, value.sessionId);
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

  /** Waits until an element matching `css` is displayed (and, if given, its text passes `test`). */
  async waitFor(css: string, opts: { timeout?: number; text?: (t: string) => boolean } = {}): Promise<Element> {
    const deadline = Date.now() + (opts.timeout ?? 15_000);
    let last = "";
    for (;;) {
      try {
        for (const el of await this.findAll(css)) {
          if (!(await this.displayed(el))) continue;
          const text = await this.text(el);
          last = text;
          if (!opts.text || opts.text(text)) return el;
        }
      } catch (e) {
        if (!(e instanceof WebDriverError) || e.kind !== "stale element reference") throw e;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${css}${opts.text ? ` with the expected text (last seen: "${last}")` : ""}`);
      }
      await sleep(100);
    }
  }

  /**
   * Waits until the text content of the first element matching `css` passes `test`. For the
   * virtualised list, whose rows WebDriver's visibility rules (positioned, clipped rows) report
   * as hidden although they are painted; the screenshots show them.
   */
  async waitForContent(css: string, test: (t: string) => boolean, timeout = 15_000): Promise<string> {
    const deadline = Date.now() + timeout;
    let last = "";
    for (;;) {
      last = await this.execute<string>(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';",
        [css],
      );
      if (test(last)) return last;
      if (Date.now() > deadline) throw new Error(`timed out waiting for the content of ${css} (last seen: "${last}")`);
      await sleep(100);
    }
  }

  async waitGone(css: string, timeout = 15_000): Promise<void> {
    const deadline = Date.now() + timeout;
    while ((await this.findAll(css)).length > 0) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${css} to go away`);
      await sleep(100);
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

  async click(target: Element | string): Promise<void> {
    const el = typeof target === "string" ? await this.waitFor(target) : target;
    await request("POST", this.url(`/element/${el.id}/click`), {});
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

  /** Resolves after two animation frames and any running CSS transitions of the page. */
  async settle(): Promise<void> {
    await this.executeAsync(
      "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)));",
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
