// Readable stacks from real browsers: a minified app (esbuild --minify --sourcemap, Plume
// bundled in, maps moved out of the public folder by plume/build) throws from a nested
// function in Chromium, Firefox and WebKit (three stack formats). Two paths, each checked
// against the unminified source (original file, line, column and function names):
// - the dev collector with --source-maps stores the stacks readable, and its viewer shows them
//   (a screenshot is attached);
// - the site in real workerd, the maps in a private disk service, and the page exporting to
//   relay({ sourceMaps }) on its own origin: the relay symbolicates the protobuf the browser
//   sends, and a dev collector without maps stores what it forwarded.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { test, expect, type Page } from './fixtures.js';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';
import { privateSourceMaps } from '../../src/build/index.js';
import { expectedFrames, marker } from '../edge/symbolicate/fixture.js';
import { bundle, startWorkerd, writeFile, type RuntimeProcess } from '../edge/helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const INDEX = '<!doctype html><meta charset="utf-8"><title>minified shop</title><script type="module" src="/assets/app.js"></script>';
let dir: string;
let publicDir: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plume-sm-browser-'));
  publicDir = join(dir, 'public');
  await build({
    entryPoints: [join(ROOT, 'test/browser/pages/sourcemaps-app.js')], bundle: true, minify: true, format: 'esm',
    sourcemap: 'linked', outfile: join(publicDir, 'assets/app.js'), alias: { plume: join(ROOT, 'dist/browser.js') }, logLevel: 'error',
  });
  await privateSourceMaps({ dir: publicDir, mapsDir: join(dir, 'maps') });
  writeFileSync(join(publicDir, 'index.html'), INDEX);
});
test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Throws the app's error in the page, flushes Plume, and waits for the collector to store the log record. */
async function throwAndCollect(page: Page, collector: Collector): Promise<Record<string, unknown>> {
  await page.waitForFunction(() => typeof (window as any).throwLater === 'function');
  await page.evaluate(() => (window as any).throwLater());
  await page.waitForFunction(() => (window as any).__flushed ??= (window as any).flushPlume().then(() => true), { timeout: 20_000 });
  await collector.waitFor((c) => c.query.logs({ service: 'sourcemaps-web' }).some((l) => l.attributes['exception.type'] === 'TypeError'), 20_000);
  return collector.query.logs({ service: 'sourcemaps-web' }).find((l) => l.attributes['exception.type'] === 'TypeError')!.attributes;
}

/** Every frame of the app in the stored record, against the markers in its unminified source. */
function expectReadable(a: Record<string, unknown>, engine: string): void {
  const stack = String(a['exception.stacktrace']);
  const minified = String(a['plume.exception.minified_stacktrace']);
  // The engine's own format, both as it arrived and as it was written back.
  if (engine === 'chromium') {
    expect(minified).toMatch(/^ {4}at \w+ \(http:\/\/127\.0\.0\.1:\d+\/assets\/app\.js:2:\d+\)$/m);
    expect(stack).toMatch(/^ {4}at priceOf \(/m);
  } else {
    expect(minified).toMatch(/^\w+@http:\/\/127\.0\.0\.1:\d+\/assets\/app\.js:2:\d+$/m);
    expect(stack).toMatch(/^priceOf@/);
  }
  expect(a['plume.exception.debug_ids']).toEqual([expect.stringMatching(/\/assets\/app\.js [0-9a-f-]{36}$/)]);

  const frames = parseOriginal(stack);
  // The page's own arrow function last: called by a timer, it keeps the name the engine gave it.
  const want = [...expectedFrames(), { fn: frames[5]?.fn, ...marker('../../../browser/pages/sourcemaps-app.js', 'CALL runBroken', 'runBroken()') }];
  // JavaScriptCore reports a thrown `new TypeError(…)` at the constructor's name, not at `new`.
  if (engine === 'webkit') want[0] = { ...want[0], ...marker('cart.js', 'THROW', 'TypeError(') };
  expect(frames.slice(0, want.length).map((f) => [f.fn, f.file.replace(/^.*\/(app|pages)\//, ''), f.line, f.column]))
    .toEqual(want.map((w) => [w.fn, w.file.replace(/^.*\//, ''), w.line, w.column]));
  expect([a['code.function.name'], a['code.line.number'], a['code.column.number']]).toEqual([want[0].fn, want[0].line, want[0].column]);
  expect(String(a['code.file.path'])).toMatch(/symbolicate\/app\/cart\.js$/);
}

test.describe('through the dev collector with --source-maps', () => {
  let app: StaticServer;
  let collector: Collector;
  test.beforeAll(async () => {
    app = await startStaticServer({
      '/': { body: INDEX },
      '/assets/app.js': { body: readFileSync(join(publicDir, 'assets/app.js'), 'utf8'), headers: { 'content-type': 'text/javascript' } },
    });
    collector = await startCollector({ corsOrigins: [app.url], sourceMaps: join(dir, 'maps'), log: () => {} });
  });
  test.afterAll(async () => {
    await Promise.all([app?.close(), collector?.close()]);
  });

  test('an uncaught error from a minified app arrives with original files, lines, columns and names', async ({ page }, testInfo) => {
    await page.goto(`${app.url}/?collector=${encodeURIComponent(collector.url)}`);
    // The map is not public.
    expect((await fetch(`${app.url}/assets/app.js.map`)).status).toBe(404);
    const engine = testInfo.project.name;
    expectReadable(await throwAndCollect(page, collector), engine);

    // The viewer: the error group keyed by its top original frame, the frames with their source.
    await page.goto(`${collector.url}/#/errors`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=original-frame][data-mapped=true]').length >= 6);
    const shown = await page.evaluate(() => ({
      top: document.querySelector('[data-testid=error-top-frame]')?.textContent,
      fns: [...document.querySelectorAll('[data-testid=original-frame][data-mapped=true]')].map((e) => e.getAttribute('data-fn')),
      here: document.querySelector('[data-testid=frame-context] .here')?.textContent,
    }));
    expect(shown.top).toMatch(/^at priceOf \(.*cart\.js:16\)$/);
    expect(shown.fns.slice(0, 5)).toEqual(['priceOf', 'totalOf', 'checkout', 'run', 'runBroken']);
    expect(shown.here).toContain('throw new TypeError(`no price for ${item.sku}`); // THROW');
    const png = testInfo.outputPath(`viewer-errors-${engine}.png`);
    await page.screenshot(png);
    await testInfo.attach(`viewer: errors with original frames (${engine})`, { path: png, contentType: 'image/png' });
  });
});

test.describe('through relay({ sourceMaps }) in workerd, the maps in a private binding', () => {
  let workerd: RuntimeProcess & { ports: Record<string, number> };
  let collector: Collector;
  let site: string;
  test.beforeAll(async () => {
    // No maps: what it stores readable, the relay made readable.
    collector = await startCollector({ log: () => {} });
    const w = join(dir, 'worker');
    await bundle('sourcemaps.ts', join(w, 'worker.js'));
    writeFile(w, 'config.capnp', `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "site", worker = .site),
    (name = "public", disk = (path = ${JSON.stringify(publicDir)}, writable = false)),
    (name = "maps", disk = (path = ${JSON.stringify(join(dir, 'maps'))}, writable = false)),
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "site")],
);
const site :Workerd.Worker = (
  compatibilityDate = "2025-09-01",
  globalOutbound = "net",
  modules = [(name = "worker", esModule = embed "worker.js")],
  bindings = [
    (name = "COLLECTOR", text = ${JSON.stringify(collector.url)}),
    (name = "PUBLIC", service = "public"),
    (name = "MAPS", service = "maps"),
  ],
);
`);
    workerd = await startWorkerd(w, ['http']);
    site = `http://127.0.0.1:${workerd.ports.http}`;
  });
  test.afterAll(async ({}, testInfo) => {
    if (workerd && testInfo.status !== testInfo.expectedStatus) {
      await testInfo.attach('workerd', { body: workerd.output(), contentType: 'text/plain' });
    }
    await workerd?.stop();
    await collector?.close();
  });

  test('the collector gets original files, lines, columns and names from the relay', async ({ page }, testInfo) => {
    // Same origin: the page posts protobuf to /otlp on the site, no CORS.
    await page.goto(`${site}/?collector=${encodeURIComponent(`${site}/otlp`)}`);
    // The map is not public: the site never routes to the binding that holds it.
    expect((await fetch(`${site}/assets/app.js.map`)).status).toBe(404);
    const a = await throwAndCollect(page, collector);
    expectReadable(a, testInfo.project.name);
    // The relay forwarded protobuf, as the page sent it.
    const logs = collector.requests.filter((r) => r.path === '/v1/logs');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.every((r) => r.headers['content-type'] === 'application/x-protobuf')).toBe(true);
    // Nothing failed; the only map missing may be that of the test driver's own script (Firefox's stack names it).
    expect(workerd.output()).not.toMatch(/PLUME_W006|PLUME_W016 relay:|PLUME_W016 .*assets\/app\.js/);
  });
});

/** The frames of a symbolicated stack, in either format. */
function parseOriginal(stack: string): { fn: string; file: string; line: number; column: number }[] {
  return stack.split('\n').flatMap((l) => {
    const m = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/.exec(l) ?? /^(?:[^@]*\*)?([^@]*)@(.*?):(\d+):(\d+)$/.exec(l);
    return m ? [{ fn: m[1] ?? '', file: m[2], line: Number(m[3]), column: Number(m[4]) }] : [];
  });
}
