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
import { toolPath } from '../../../scripts/prereqs.js';
import { endGroup, executable, waitForOutput, spawnGroup, TabPage, Watchdog } from './common.js';
import type { Browser, Page } from './types.js';

export const CHROMIUM = toolPath('chromium');

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

class ChromiumPage extends TabPage<PwPage> implements Page {
  readonly engine = 'chromium' as const;
  private session?: CDPSession;

  constructor(private context: BrowserContext, page: PwPage, pages: Set<ChromiumPage>) {
    super(page, pages, () => context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(m.text());
      else if (m.type() === 'warning') this.warnings.push(m.text());
    });
    page.on('pageerror', (e) => this.errors.push(String(e)));
  }

  async cdp(method: string, params?: object) {
    this.session ??= await this.context.newCDPSession(this.tab);
    return this.session.send(method as never, params as never);
  }
}
