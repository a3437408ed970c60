// firefox: Debian's Firefox ESR, headless, driven by puppeteer-core over WebDriver BiDi
// (no geckodriver; puppeteer writes a profile that switches off background traffic).
import puppeteer, { type Browser as PptrBrowser, type Page as PptrPage } from 'puppeteer-core';
import { toolPath } from '../../../scripts/prereqs.js';
import { executable, TabPage, Watchdog } from './common.js';
import type { Browser, Page } from './types.js';

export const FIREFOX = toolPath('firefox');

export async function launchFirefox(): Promise<Browser> {
  const bin = executable(FIREFOX, 'firefox-esr', 'PLUME_FIREFOX');
  const watchdog = new Watchdog();
  let ff: PptrBrowser;
  try {
    ff = await puppeteer.launch({
      browser: 'firefox', executablePath: bin, headless: true,
      // puppeteer's own signal handlers would end Firefox behind the test runner's back.
      handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    });
  } catch (e) {
    await watchdog.close();
    throw e;
  }
  const pid = ff.process()?.pid; // puppeteer starts it detached: the pid is its group's
  watchdog.guard(pid);
  const version = (await ff.version()).replace(/^firefox\//i, '');
  const pages = new Set<FirefoxPage>();
  return {
    engine: 'firefox',
    version,
    async newPage() {
      const page = new FirefoxPage(ff, await ff.newPage(), pages);
      pages.add(page);
      return page;
    },
    async close() {
      for (const p of [...pages]) await p.close().catch(() => {});
      await ff.close().catch(() => ff.process()?.kill('SIGKILL'));
      watchdog.release(pid);
      await watchdog.close();
    },
  };
}

class FirefoxPage extends TabPage<PptrPage> implements Page {
  readonly engine = 'firefox' as const;

  constructor(browser: PptrBrowser, page: PptrPage, pages: Set<FirefoxPage>) {
    super(page, pages, () => browser.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(m.text());
      else if ((m.type() as string) === 'warn' || m.type() === 'warning') this.warnings.push(m.text());
    });
    // Firefox reports CSP violations here too, as page errors.
    page.on('pageerror', (e) => this.errors.push(e instanceof Error ? e.message : String(e)));
  }
}
