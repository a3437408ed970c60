// webkit: WebKitGTK's MiniBrowser through WebKitWebDriver (classic W3C WebDriver, spoken here
// as plain HTTP), under an Xvfb the driver starts and ends itself: this GTK 3 MiniBrowser has
// no headless mode.
//
// Classic WebDriver has one "current window" per session and no events, so: every command
// runs in a queue that first switches to its page's window; and console errors come from a
// hook that evaluate() installs in the page and drains on every call (see README.md).
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { endGroup, executable, freePort, pageAnswer, pageExpression, pageResult, poll, sleep, spawnGroup, waitForOutput, waitVisibility, Watchdog } from './common.js';
import type { Browser, Page } from './types.js';
import { toolPath } from '../../../scripts/prereqs.js';

export const WEBKIT_DRIVER = toolPath('webkitDriver');
export const MINIBROWSER = toolPath('miniBrowser');

// Page-side: collects console.error and console.warn calls, uncaught errors and unhandled
// rejections from the moment it is installed (the first evaluate() on a document), in
// window.__plumeDriverErrors, each as [kind, text] ('e' an error, 'w' a warning).
const HOOK = {
  prelude: `const __q = window.__plumeDriverErrors || (() => {
    const q = [];
    const text = (x) => x instanceof Error ? x.name + ': ' + x.message : String(x);
    for (const [name, kind] of [['error', 'e'], ['warn', 'w']]) {
      const orig = console[name];
      console[name] = function (...a) { q.push([kind, a.map(text).join(' ')]); return orig.apply(this, a); };
    }
    addEventListener('error', (e) => q.push(['e', e.error !== undefined && e.error !== null ? text(e.error) : String(e.message)]));
    addEventListener('unhandledrejection', (e) => q.push(['e', 'Unhandled promise rejection: ' + text(e.reason)]));
    Object.defineProperty(window, '__plumeDriverErrors', { value: q });
    return q;
  })();`,
  extra: '__q.splice(0)',
};

interface WdError { error: string; message: string }

class Session {
  private queue: Promise<unknown> = Promise.resolve();
  current = '';
  constructor(private base: string, readonly id: string) {}

  async call<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: object): Promise<T> {
    const res = await fetch(`${this.base}/session/${this.id}${path}`, {
      method,
      signal: AbortSignal.timeout(150_000), // longer than the script timeout: a hung driver, not a slow page
      headers: body ? { 'content-type': 'application/json; charset=utf-8' } : undefined,
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json().catch(() => ({}))) as { value?: unknown };
    if (!res.ok) {
      const v = (json.value ?? {}) as WdError;
      throw new Error(`WebKitWebDriver ${method} ${path}: ${v.error ?? res.status}: ${v.message ?? ''}`.trim());
    }
    return json.value as T;
  }

  /** Runs `f` alone, with window `handle` current. */
  run<T>(handle: string, f: () => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      if (this.current !== handle) {
        await this.call('POST', '/window', { handle });
        this.current = handle;
      }
      return f();
    });
    this.queue = next.catch(() => {});
    return next;
  }
}

export async function launchWebKit(): Promise<Browser> {
  const xvfbBin = executable(toolPath('xvfb'), 'xvfb', 'PATH');
  const driverBin = executable(WEBKIT_DRIVER, 'webkit2gtk-driver', 'PLUME_WEBKIT_DRIVER');
  const minibrowser = executable(MINIBROWSER, 'webkit2gtk-driver', 'PLUME_MINIBROWSER');
  const watchdog = new Watchdog();
  const started: ChildProcess[] = [];
  const shutdown = async () => {
    for (const p of started.reverse()) { await endGroup(p); watchdog.release(p.pid); }
    await watchdog.close();
  };
  try {
    // -displayfd: Xvfb picks a free display itself and prints its number once it is ready.
    const xvfb = spawnGroup(xvfbBin, ['-displayfd', '1', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(xvfb);
    watchdog.guard(xvfb.pid);
    xvfb.stderr!.resume();
    const [, display] = await waitForOutput(xvfb, 'stdout', /^(\d+)\n/, 'Xvfb', 10_000);
    xvfb.stdout!.resume();

    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: `:${display}`, GDK_BACKEND: 'x11' };
    delete env.WAYLAND_DISPLAY;
    const driver = spawnGroup(driverBin, [`--port=${port}`, '--host=127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'], env });
    started.push(driver);
    watchdog.guard(driver.pid);
    driver.stdout!.resume();
    driver.stderr!.resume();
    const base = `http://127.0.0.1:${port}`;
    for (let t = Date.now(); ; await sleep(50)) {
      if (driver.exitCode !== null || driver.signalCode !== null) throw new Error(`${driverBin} exited (${driver.exitCode ?? driver.signalCode})`);
      if (Date.now() - t > 15_000) throw new Error(`${driverBin} did not answer /status within 15 s`);
      try { if ((await fetch(`${base}/status`)).ok) break; } catch { /* not listening yet */ }
    }

    const res = await fetch(`${base}/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ capabilities: { alwaysMatch: {
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: minibrowser, args: ['--automation'] },
        timeouts: { script: 120_000, pageLoad: 60_000, implicit: 0 },
      } } }),
    });
    const created = (await res.json()) as { value: { sessionId?: string; capabilities?: { browserVersion?: string }; message?: string } };
    if (!res.ok || !created.value.sessionId) throw new Error(`WebKitWebDriver: no session: ${created.value.message ?? res.status}`);
    const session = new Session(base, created.value.sessionId);
    const home = await session.call<string>('GET', '/window'); // stays open, as in the other engines
    session.current = home;
    const pages = new Set<WebKitPage>();

    return {
      engine: 'webkit',
      version: created.value.capabilities?.browserVersion ?? '',
      async newPage() {
        // A window, not a tab: MiniBrowser opens a WebDriver tab behind the current one, hidden.
        const { handle } = await session.run(session.current, () => session.call<{ handle: string }>('POST', '/window/new', { type: 'window' }));
        const page = new WebKitPage(session, handle, home, pages);
        pages.add(page);
        return page;
      },
      async close() {
        for (const p of [...pages]) await p.close().catch(() => {});
        await Promise.race([session.call('DELETE', '').catch(() => {}), sleep(10_000)]);
        await shutdown();
      },
    };
  } catch (e) {
    await shutdown();
    throw e;
  }
}

class WebKitPage implements Page {
  readonly engine = 'webkit' as const;
  private errors: string[] = [];
  private warnings: string[] = [];
  private restore?: { width: number; height: number };

  constructor(private s: Session, private handle: string, private home: string, private pages: Set<WebKitPage>) {}

  private run<T>(f: () => Promise<T>) {
    return this.s.run(this.handle, f);
  }

  private async exec(fn: Function, args: unknown[]) {
    const raw = await this.s.call('POST', '/execute/sync', { script: `return ${pageExpression(fn, args, HOOK)}`, args: [] });
    const answer = pageAnswer(raw);
    if (Array.isArray(answer.x)) for (const [kind, text] of answer.x as [string, string][]) (kind === 'w' ? this.warnings : this.errors).push(String(text));
    return answer;
  }

  /** Collects what the page's hook has so far, before the document goes away. */
  private async drain() {
    await this.exec(() => 0, []).catch(() => {});
  }

  goto(url: string) {
    return this.run(async () => {
      await this.drain();
      await this.s.call('POST', '/url', { url }); // WebDriver's "normal" strategy: after load
      await this.drain(); // installs the hook in the new document
    });
  }

  async evaluate<T, A extends unknown[]>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<Awaited<T>> {
    return pageResult<Awaited<T>>(await this.run(() => this.exec(fn, args)));
  }

  waitForFunction(fn: () => unknown, opts: { timeout?: number } = {}) {
    return poll((f) => this.evaluate(f), fn, opts.timeout);
  }

  screenshot(path: string) {
    return this.run(async () => {
      // WebKitGTK never answers a screenshot of a hidden page: say so instead of hanging.
      if (pageResult(await this.exec(() => document.visibilityState, [])) === 'hidden') {
        throw new Error('screenshot: webkit cannot take one of a hidden page (call show() first)');
      }
      // Right after a load WebKitGTK can hand back a blank frame: let two frames paint first.
      await this.exec(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))), []);
      const png = await this.s.call<string>('GET', '/screenshot');
      await writeFile(path, Buffer.from(png, 'base64'));
    });
  }

  // WebDriver Perform Actions: a mouse pointer moved to the point, pressed and released.
  click(x: number, y: number) {
    return this.run(async () => {
      await this.s.call('POST', '/actions', {
        actions: [{
          type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' },
          actions: [{ type: 'pointerMove', x: Math.round(x), y: Math.round(y), origin: 'viewport' }, { type: 'pointerDown', button: 0 }, { type: 'pointerUp', button: 0 }],
        }],
      });
      await this.s.call('DELETE', '/actions');
    });
  }

  async consoleErrors() {
    if (this.pages.has(this)) await this.run(() => this.drain());
    return [...this.errors];
  }

  async consoleWarnings() {
    if (this.pages.has(this)) await this.run(() => this.drain());
    return [...this.warnings];
  }

  // WebDriver's Close Window unloads the document (pagehide fires) without a beforeunload
  // prompt, so runBeforeUnload changes nothing here.
  async close(_opts: { runBeforeUnload?: boolean } = {}) {
    if (!this.pages.delete(this)) return;
    await this.run(async () => {
      await this.drain();
      await this.s.call('DELETE', '/window');
      await this.s.call('POST', '/window', { handle: this.home });
      this.s.current = this.home;
    });
  }

  // Minimising the window is what makes WebKitGTK hide the page (every page has a window
  // of its own, so another one opening does not).
  async hide() {
    await this.run(async () => {
      this.restore ??= await this.s.call<{ width: number; height: number }>('GET', '/window/rect');
      await this.s.call('POST', '/window/minimize', {});
    });
    await waitVisibility((f) => this.evaluate(f), 'hidden');
  }

  async show() {
    await this.run(async () => {
      const { width, height } = this.restore ?? { width: 1024, height: 768 };
      await this.s.call('POST', '/window/rect', { width, height });
      this.restore = undefined;
    });
    await waitVisibility((f) => this.evaluate(f), 'visible');
  }
}
