// npm run demo, end to end: `demo/run.ts --once` runs once per Playwright run (its scripted
// visit drives Chromium through both entry pages, the edge worker in workerd and the upstream),
// and must report that everything arrived. Then, in each engine, the viewer is opened over the
// store that run left behind: the browser → worker → upstream trace nested in its waterfall,
// Web Vitals with a p75, the error groups with readable stacks (the demo's app is minified, its
// maps private). Screenshots of each view are attached.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestInfo } from '@playwright/test';
import { test, expect, type Page } from './fixtures.js';
import { startCollector, type Collector } from '../../demo/collector/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVICES = ['demo-web', 'demo-api', 'demo-upstream'];
const DEMO_TIMEOUT_MS = 150_000;

interface DemoRun { code: number | null; output: string; ms: number; summary?: { chain?: { traceId: string } } }

let run: DemoRun;
let viewer: Collector;

/**
 * The demo's --once run, shared by the projects of one Playwright run: the first project to
 * get here runs it (a lock directory says who), the others wait for its result file.
 */
async function demoOnce(dir: string): Promise<DemoRun> {
  const result = join(dir, 'result.json');
  const lock = `${dir}.lock`;
  mkdirSync(join(dir, '..'), { recursive: true });
  let mine = false;
  try {
    mkdirSync(lock);
    mine = true;
  } catch { /* another project runs it */ }
  if (!mine) {
    const deadline = Date.now() + DEMO_TIMEOUT_MS;
    while (!existsSync(result)) {
      if (Date.now() > deadline) throw new Error(`no ${result} after ${DEMO_TIMEOUT_MS / 1000} s (the run holding ${lock} never finished)`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return JSON.parse(readFileSync(result, 'utf8'));
  }
  rmSync(dir, { recursive: true, force: true });
  const t0 = Date.now();
  let out: DemoRun;
  try {
    // Ports 0: a demo the developer has running on 4318/8080 is left alone. --no-build: npm
    // test has just built dist/, and rebuilding it here would pull it from under other suites.
    const child = spawn(process.execPath, ['--import', 'tsx', 'demo/run.ts', '--once', '--no-build', '--data', dir, '--collector-port', '0', '--site-port', '0'], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    // demo/run.ts bounds its own waits; this is the last resort (SIGTERM: it ends its children).
    const timer = setTimeout(() => { child.kill('SIGTERM'); setTimeout(() => child.kill('SIGKILL'), 5000).unref(); }, DEMO_TIMEOUT_MS - 15_000);
    const code = await new Promise<number | null>((r) => {
      child.once('exit', (c) => r(c));
      child.once('error', (e) => { output += `\ncannot start: ${e.message}`; r(-1); });
    });
    clearTimeout(timer);
    const summaryFile = join(dir, 'summary.json');
    out = { code, output, ms: Date.now() - t0, summary: existsSync(summaryFile) ? JSON.parse(readFileSync(summaryFile, 'utf8')) : undefined };
  } catch (err) {
    out = { code: -1, output: String((err as Error)?.stack ?? err), ms: Date.now() - t0 };
  }
  // Written whatever happened: the other projects are waiting for it.
  mkdirSync(dir, { recursive: true });
  writeFileSync(result, JSON.stringify(out));
  return out;
}

test.beforeAll(async ({}, testInfo) => {
  testInfo.setTimeout(DEMO_TIMEOUT_MS + 20_000);
  // The projects share the config's outputDir (cleaned at the start of every run); the
  // runner's pid keeps a stale result of another run from being taken for this one's.
  const shared = join(testInfo.project.outputDir, `demo-once-${process.ppid}`);
  run = await demoOnce(shared);
  if (run.code !== 0) throw new Error(`npm run demo -- --once exited ${run.code} after ${(run.ms / 1000).toFixed(1)} s:\n${run.output}`);
  // A copy of the store per project: the viewer's collector writes it back when it closes.
  const own = testInfo.outputPath('store');
  mkdirSync(own, { recursive: true });
  copyFileSync(join(shared, 'collector.sqlite'), join(own, 'collector.sqlite'));
  // The site's private maps (the demo keeps them beside its store), for the viewer's source context.
  viewer = await startCollector({ dataDir: own, sourceMaps: join(shared, 'maps') });
});

test.afterAll(async () => {
  await viewer?.close();
});

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot(path);
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** waitForFunction with an argument (the driver's takes none): polls evaluate(fn, arg). */
async function waitWith<A>(page: Page, fn: (arg: A) => unknown, arg: A, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(fn, arg).catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${String(fn)} (${JSON.stringify(arg)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Row { spanId: string; parent: string; depth: number; service: string; kind: string; name: string; index: number; indent: number }

test('the viewer shows the browser → worker → upstream trace, nested in its waterfall', async ({ page }, testInfo) => {
  await testInfo.attach('npm run demo -- --once', { body: run.output, contentType: 'text/plain' });
  await page.goto(`${viewer.url}/#/traces`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=trace-row]').length > 0);
  await shot(page, testInfo, 'traces-list');

  // Traces whose services include all three, as the list shows them.
  const candidates = await page.evaluate((names: string[]) => [...document.querySelectorAll('[data-testid=trace-row]')]
    .filter((row) => {
      const services = [...row.querySelectorAll('[data-testid=trace-services] .service')].map((b) => b.textContent);
      return names.every((n) => services.includes(n));
    })
    .map((row) => row.getAttribute('data-trace-id')!), SERVICES);
  expect(candidates.length, 'traces listed with spans of demo-web, demo-api and demo-upstream').toBeGreaterThan(0);
  // The one the demo's summary named first: every project then shows the same trace.
  const preferred = run.summary?.chain?.traceId;
  candidates.sort((a, b) => Number(b === preferred) - Number(a === preferred));

  let chain: Row[] | undefined;
  for (const traceId of candidates.slice(0, 10)) {
    // Open it as a user does: a click on its row.
    await page.evaluate((id: string) => (document.querySelector(`[data-testid=trace-row][data-trace-id="${id}"]`) as HTMLElement).click(), traceId);
    await waitWith(page, (id: string) => !!document.querySelector('[data-testid=trace-id]')?.textContent?.includes(id)
      && document.querySelectorAll('[data-testid=waterfall-span]').length > 0, traceId);
    const rows: Row[] = await page.evaluate(() => [...document.querySelectorAll('[data-testid=waterfall-span]')].map((el, index) => {
      const label = el.querySelector('.wf-label') as HTMLElement;
      return {
        spanId: el.getAttribute('data-span-id')!, parent: el.getAttribute('data-parent-span-id') ?? '',
        depth: Number(el.getAttribute('data-depth')), service: el.getAttribute('data-service')!, kind: el.getAttribute('data-kind')!,
        name: el.querySelector('[data-testid=waterfall-name]')?.textContent ?? '', index, indent: parseFloat(getComputedStyle(label).paddingLeft),
      };
    }));
    const byId = new Map(rows.map((r) => [r.spanId, r]));
    const up = (r: Row | undefined, service: string, kind: string) => {
      const p = r && byId.get(r.parent);
      return p && p.service === service && p.kind === kind ? p : undefined;
    };
    for (const upstream of rows.filter((r) => r.service === 'demo-upstream' && r.kind === 'server')) {
      const workerClient = up(upstream, 'demo-api', 'client');
      const workerServer = up(workerClient, 'demo-api', 'server');
      const browserClient = up(workerServer, 'demo-web', 'client');
      if (browserClient) { chain = [browserClient, workerServer!, workerClient!, upstream]; break; }
    }
    if (chain) break;
    await page.evaluate(() => { location.hash = '#/traces'; });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=trace-row]').length > 0);
  }
  expect(chain, 'a trace with browser CLIENT → worker SERVER → worker CLIENT → upstream SERVER').toBeTruthy();

  // Nested: each one level below the one before, shown after it, indented further.
  for (let k = 1; k < chain!.length; k++) {
    expect(chain![k].depth).toBe(chain![k - 1].depth + 1);
    expect(chain![k].index).toBeGreaterThan(chain![k - 1].index);
    expect(chain![k].indent).toBeGreaterThan(chain![k - 1].indent);
  }
  expect(chain![1].name).toMatch(/^(GET|POST) \/api\//);
  expect(chain![3].name).toMatch(/^(GET|POST) \/(products|cart|checkout)$/);

  await shot(page, testInfo, 'waterfall');
  // The upstream span's details, as a user would look at them.
  await page.evaluate((id: string) => (document.querySelector(`[data-testid=waterfall-span][data-span-id="${id}"]`) as HTMLElement).click(), chain![3].spanId);
  await waitWith(page, (id: string) => document.querySelector('[data-testid=span-detail]')?.getAttribute('data-span-id') === id, chain![3].spanId);
  await shot(page, testInfo, 'span-detail');
  expect(await page.consoleErrors()).toEqual([]);
});

test('the Web Vitals view shows the visit\'s vitals with a p75', async ({ page }, testInfo) => {
  await page.goto(`${viewer.url}/#/vitals`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=vital-card]').length > 0);
  const cards = await page.evaluate(() => [...document.querySelectorAll('[data-testid=vital-card]')].map((c) => ({
    vital: c.getAttribute('data-vital'), p75: c.querySelector('[data-testid=vital-p75-overall]')?.getAttribute('data-value') ?? '',
  })));
  const measured = cards.filter((c) => c.p75 !== '' && Number.isFinite(Number(c.p75)));
  expect(measured.length, JSON.stringify(cards)).toBeGreaterThan(0);
  expect(measured.map((c) => c.vital)).toEqual(expect.arrayContaining(['ttfb']));
  // Per route too: the SPA's routes each report.
  const routes = await page.evaluate(() => [...new Set([...document.querySelectorAll('[data-testid=vital-row]')].map((r) => r.getAttribute('data-route')))]);
  expect(routes.length).toBeGreaterThan(1);
  await shot(page, testInfo, 'vitals');
  expect(await page.consoleErrors()).toEqual([]);
});

test('the errors view groups the uncaught TypeError and the unhandled rejection, with readable stacks', async ({ page }, testInfo) => {
  await page.goto(`${viewer.url}/#/errors`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=error-group]').length > 0);
  const groups = await page.evaluate(() => [...document.querySelectorAll('[data-testid=error-group]')].map((g) => ({
    type: g.getAttribute('data-type'), message: g.querySelector('[data-testid=error-message]')?.textContent ?? '',
    count: Number(g.getAttribute('data-count')), trace: !!g.querySelector('[data-testid=error-trace-link]'),
    top: g.getAttribute('data-top-frame') ?? '',
    // The original frames are in the row after the group's.
    frames: [...(g.nextElementSibling?.querySelectorAll('[data-testid=original-frame][data-mapped=true]') ?? [])]
      .map((f) => `${f.getAttribute('data-file')}:${f.getAttribute('data-line')}`),
    here: g.nextElementSibling?.querySelector('[data-testid=frame-context] .here')?.textContent ?? '',
  })));
  const typeError = groups.find((g) => g.type === 'TypeError' && g.message.includes('percent'));
  expect(typeError, JSON.stringify(groups)).toBeTruthy();
  // Both entry pages threw it: one group.
  expect(typeError!.count).toBeGreaterThanOrEqual(2);
  const rejection = groups.find((g) => g.message.includes('Checkout failed: the payment service answered 503'));
  expect(rejection, JSON.stringify(groups)).toBeTruthy();
  expect(rejection!.count).toBeGreaterThanOrEqual(2);
  // The app is minified: its stacks arrive unreadable and are shown in demo/app/app.js, with source.
  const app = readFileSync(join(ROOT, 'demo/app/app.js'), 'utf8').split('\n');
  const percent = app.findIndex((l) => l.includes('${coupon.percent}')) + 1;
  expect(typeError!.top).toMatch(new RegExp(`\\(demo/app/app\\.js:${percent}\\)$`));
  expect(typeError!.frames[0]).toBe(`demo/app/app.js:${percent}`);
  expect(typeError!.here).toContain('${coupon.percent}% off');
  expect(rejection!.frames[0]).toMatch(/^demo\/app\/app\.js:\d+$/);
  await shot(page, testInfo, 'errors');
  expect(await page.consoleErrors()).toEqual([]);
});
