// OpenTelemetry's contrib instrumentations plug into Plume: registerInstrumentations from
// @opentelemetry/instrumentation with instrumentation-long-task and instrumentation-user-
// interaction, bundled (esbuild) after a module that calls the built package's init(), as the
// README says. Their spans arrive through Plume with their scopes, decoded by @bufbuild. The
// long-task entry type is Chromium's alone (Firefox and WebKit have none: the instrumentation
// says it is not supported there, and that is checked instead); clicks are traced in all three.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { test, expect } from './fixtures.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';
import { attr, recordingCollector } from './recording.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const versionOf = (pkg: string) => JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
const scopeOf = (pkg: string) => ({ name: pkg, version: versionOf(pkg) });
const LONG_TASK = scopeOf('@opentelemetry/instrumentation-long-task');
const USER_INTERACTION = scopeOf('@opentelemetry/instrumentation-user-interaction');

let app: StaticServer;
let dir: string;
const collector = recordingCollector();
const pinged: (string | undefined)[] = [];

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plume-contrib-'));
  writeFileSync(join(dir, 'telemetry.js'), `import { init } from '${ROOT}dist/browser.js';
window.plume = init({
  endpoint: location.origin + '/otlp', serviceName: 'contrib-page', instrumentations: { webVitals: false, navigation: false },
});`);
  writeFileSync(join(dir, 'main.js'), `import './telemetry.js';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { LongTaskInstrumentation } from '@opentelemetry/instrumentation-long-task';
import { UserInteractionInstrumentation } from '@opentelemetry/instrumentation-user-interaction';
registerInstrumentations({ instrumentations: [new LongTaskInstrumentation(), new UserInteractionInstrumentation()] });
let request;
document.getElementById('buy').addEventListener('click', () => { request = fetch('/ping').then((r) => r.text()); });
window.longTaskSupported = () => (PerformanceObserver.supportedEntryTypes || []).includes('longtask');
const seen = [];
if (window.longTaskSupported()) {
  new PerformanceObserver((l) => seen.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
}
window.seenLong = () => seen;
// A task of the page's own (a timer), busy for 150 ms.
window.longTask = () => new Promise((done) => setTimeout(() => {
  const t = performance.now();
  while (performance.now() - t < 150);
  done();
}));
window.clicked = async () => { if (!request) return false; await request; return true; };
window.flush = () => window.plume.flush();`);
  const out = await build({
    entryPoints: [join(dir, 'main.js')], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent',
    nodePaths: [join(ROOT, 'node_modules')],
  });
  const js = out.outputFiles[0].text;
  app = await startStaticServer(
    {
      '/': {
        body: '<!doctype html><meta charset="utf-8"><title>contrib</title>' +
          '<button id="buy" style="position:absolute;left:20px;top:20px;width:120px;height:40px">Buy</button>' +
          '<script type="module" src="/main.js"></script>',
      },
    },
    {
      '/main.js': (_q, res) => void res.writeHead(200, { 'content-type': 'text/javascript' }).end(js),
      '/ping': (req, res) => { pinged.push(req.headers.traceparent as string | undefined); res.writeHead(200).end('pong'); },
      ...collector.handlers,
    },
  );
});
test.afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});
test.beforeEach(() => collector.reset());

const ready = async (page: { goto(u: string): Promise<void>; waitForFunction(f: () => unknown): Promise<void> }) => {
  await page.goto(app.url);
  await page.waitForFunction(() => typeof (window as any).flush === 'function');
};

test('instrumentation-user-interaction: a click is a span through Plume, the request its listener makes its child', async ({ page }) => {
  await ready(page);
  await page.click(80, 40);
  await expect.poll(() => page.evaluate(() => (window as any).clicked()), { timeout: 10_000 }).toBe(true);
  await page.evaluate(() => (window as any).flush());
  const { spans } = collector.delivered();
  const click = spans.find((s) => s.name === 'click');
  expect(click, 'the click span').toBeDefined();
  expect(click.scope).toEqual(USER_INTERACTION);
  expect(attr(click, 'event_type')).toBe('click');
  expect(attr(click, 'target_element')).toBe('BUTTON');
  expect(attr(click, 'target_xpath')).toBe('//*[@id="buy"]');
  const get = spans.find((s) => s.name === 'GET' && String(attr(s, 'url.full')).endsWith('/ping'));
  expect(get).toMatchObject({ traceId: click.traceId, parentSpanId: click.spanId, kind: 'SPAN_KIND_CLIENT' });
  expect(pinged.at(-1)).toBe(`00-${get.traceId}-${get.spanId}-01`);
});

test('instrumentation-long-task: a long task is a span through Plume (Chromium; no long tasks elsewhere)', async ({ page }) => {
  await ready(page);
  const supported = await page.evaluate(() => (window as any).longTaskSupported());
  expect(supported).toBe(test.info().project.name === 'chromium');
  if (!supported) return;
  await page.evaluate(() => (window as any).longTask());
  // The page's own observer has seen it: the instrumentation's has too, or will before the flush below.
  await expect.poll(() => page.evaluate(() => (window as any).seenLong().length), { timeout: 10_000 }).toBeGreaterThan(0);
  // The entry is delivered to the observer after the task: flush until its span has arrived.
  await expect.poll(async () => {
    await page.evaluate(() => (window as any).flush());
    return collector.delivered().spans.some((s) => s.name === 'longtask');
  }, { timeout: 10_000 }).toBe(true);
  const task = collector.delivered().spans.find((s) => s.name === 'longtask');
  expect(task.scope).toEqual(LONG_TASK);
  const duration = Number(attr(task, 'longtask.duration'));
  expect(duration).toBeGreaterThanOrEqual(150);
  // Its times are the entry's (HrTime from the instrumentation, through Plume's time input).
  const ms = (Number(task.endTimeUnixNano) - Number(task.startTimeUnixNano)) / 1e6;
  expect(Math.abs(ms - duration)).toBeLessThan(1);
});
