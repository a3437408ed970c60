// chromium: Debian's Chromium, headless, driven by Playwright (playwright-core) over CDP.
//
// The driver starts Chromium itself and attaches with chromium.connectOverCDP(..., { noDefaults:
// true }) instead of calling chromium.launch(): Playwright turns on focus emulation for every
// page it creates in its own contexts, and with it headless Chromium reports
// visibilityState 'visible' whatever happens (another tab in front, window minimised), so
// hide() could not work. Pages of the default context with noDefaults get no such override.
// It also means none of chromium.launch()'s default switches (--disable-back-forward-cache,
// --disable-renderer-backgrounding, ...) apply: bfcache and background throttling are on,
// as in a user's browser.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser as PwBrowser, type BrowserContext, type CDPSession, type Page as PwPage } from 'playwright-core';
import { CHROMIUM_FLAGS } from '../../../playwright.config.js';
import { endGroup, executable, pageExpression, pageResult, poll, waitForOutput, waitVisibility, spawnGroup, Watchdog } from './common.js';
import type { Browser, Page } from './types.js';

export const CHROMIUM = process.env.PLUME_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  const bin = executable(CHROMIUM, 'chromium', 'PLUME_CHROMIUM');
  const watchdog = new Watchdog();
  const profile = mkdtempSync(join(tmpdir(), 'plume-chromium-'));
  watchdog.removeOnExit(profile);
  const proc = spawnGroup(bin, [
    '--headless', '--remote-debugging-port=0', `--user-data-dir=${profile}`,
    ...CHROMIUM_FLAGS,
    '--no-default-browser-check', '--disable-extensions', '--password-store=basic', '--mute-audio', '--hide-scrollbars',
    'about:blank', // the home tab: it stays open, so closing a test's tab never closes the last window
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  watchdog.guard(proc.pid);
  const shutdown = async () => {
    await endGroup(proc);
    watchdog.release(proc.pid);
    rmSync(profile, { recursive: true, force: true });
    await watchdog.close();
  };
  let pw: PwBrowser;
  try {
    const [, ws] = await waitForOutput(proc, 'stderr', /DevTools listening on (ws:\/\/\S+)/, bin);
    proc.stderr!.resume(); // keep draining it, or Chromium blocks on a full pipe
    pw = await chromium.connectOverCDP(ws, { noDefaults: true, isLocal: true });
  } catch (e) {
    await shutdown();
    throw e;
  }
  const context = pw.contexts()[0];
  const pages = new Set<ChromiumPage>();
  return {
    engine: 'chromium',
    version: pw.version(),
    async newPage() {
      const page = new ChromiumPage(context, await context.newPage(), pages);
      pages.add(page);
      return page;
    },
    async close() {
      for (const p of [...pages]) await p.close().catch(() => {});
      await pw.close().catch(() => {}); // disconnects; the process is ours to end
      await shutdown();
    },
  };
}

class ChromiumPage implements Page {
  readonly engine = 'chromium' as const;
  private errors: string[] = [];
  private session?: CDPSession;
  private cover?: PwPage;

  constructor(private context: BrowserContext, private page: PwPage, private pages: Set<ChromiumPage>) {
    page.on('console', (m) => { if (m.type() === 'error') this.errors.push(m.text()); });
    page.on('pageerror', (e) => this.errors.push(String(e)));
  }

  async goto(url: string) {
    await this.page.goto(url, { waitUntil: 'load' });
  }

  async evaluate<T, A extends unknown[]>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<Awaited<T>> {
    return pageResult<Awaited<T>>(await this.page.evaluate(pageExpression(fn, args)));
  }

  waitForFunction(fn: () => unknown, opts: { timeout?: number } = {}) {
    return poll((f) => this.evaluate(f), fn, opts.timeout);
  }

  async screenshot(path: string) {
    await this.page.screenshot({ path });
  }

  async consoleErrors() {
    return [...this.errors];
  }

  async close(opts: { runBeforeUnload?: boolean } = {}) {
    if (!this.pages.delete(this)) return;
    await this.cover?.close().catch(() => {});
    await this.page.close({ runBeforeUnload: opts.runBeforeUnload });
  }

  // A blank tab in front of this one: Chromium hides the page behind it.
  async hide() {
    this.cover ??= await this.context.newPage();
    await this.cover.bringToFront();
    await waitVisibility((f) => this.evaluate(f), 'hidden');
  }

  async show() {
    await this.page.bringToFront();
    await this.cover?.close();
    this.cover = undefined;
    await waitVisibility((f) => this.evaluate(f), 'visible');
  }

  async cdp(method: string, params?: object) {
    this.session ??= await this.context.newCDPSession(this.page);
    return this.session.send(method as never, params as never);
  }
}
