// The package as users get it: `npm pack`, unpacked into an app's node_modules, bundled by
// esbuild and by rollup, run in the browser; and plume/custom with one instrumentation leaves
// the others out of the bundle.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { test, expect } from './fixtures.js';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';

const ROOT = new URL('../..', import.meta.url).pathname;
let dir: string;
let app: StaticServer;
let collector: Collector;
const bundles: Record<string, string> = {};

const APP = (service: string) => `
import { init } from 'plume';
const plume = init({ endpoint: new URLSearchParams(location.search).get('collector'), serviceName: '${service}' });
window.run = async () => {
  await plume.tracer.startActiveSpan('consumer.work', async (span) => {
    const p = fetch('/ping');
    span.end();
    await p;
  });
  await plume.flush();
  return plume.encoder;
};`;
const LEAN = `
import { init, fetchInstrumentation } from 'plume/custom';
const plume = init({ endpoint: new URLSearchParams(location.search).get('collector'), serviceName: 'consumer-lean' }, [fetchInstrumentation()]);
window.run = async () => { await fetch('/ping'); await plume.flush(); return plume.encoder; };`;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plume-consumer-'));
  // npm pack, then unpack as npm would install it (the package has no dependencies).
  const tgz = execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
  const pkg = join(dir, 'node_modules', 'plume');
  mkdirSync(pkg, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, tgz), '-C', pkg, '--strip-components=1']);
  writeFileSync(join(dir, 'package.json'), '{"type":"module","private":true}');
  for (const [name, code] of [['esbuild', APP('consumer-esbuild')], ['lean', LEAN], ['rollup', APP('consumer-rollup')]]) writeFileSync(join(dir, `${name}.js`), code);
  const out = join(dir, 'out');
  for (const name of ['esbuild', 'lean']) {
    await build({ entryPoints: [join(dir, `${name}.js`)], bundle: true, minify: true, format: 'esm', splitting: true, outdir: join(out, name), absWorkingDir: dir, logLevel: 'silent' });
  }
  const r = await rollup({ input: join(dir, 'rollup.js'), plugins: [nodeResolve()] });
  await r.write({ dir: join(out, 'rollup'), format: 'es' });
  const files: Record<string, Buffer> = {};
  for (const name of ['esbuild', 'lean', 'rollup']) {
    for (const f of readdirSync(join(out, name), { recursive: true }) as string[]) {
      if (f.endsWith('.js') || f.endsWith('.wasm')) files[`/${name}/${f}`] = readFileSync(join(out, name, f));
    }
    // Everything the bundle is made of (entry and chunks) for the tree-shaking check.
    bundles[name] = (readdirSync(join(out, name), { recursive: true }) as string[]).filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(out, name, f), 'utf8')).join('\n');
  }
  const handlers: Record<string, (q: any, res: any) => void> = { '/ping': (_q, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('pong') };
  for (const [path, body] of Object.entries(files)) {
    handlers[path] = (_q, res) => void res.writeHead(200, { 'content-type': path.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' }).end(body);
  }
  const pages: Record<string, { body: string }> = {};
  for (const name of ['esbuild', 'lean', 'rollup']) pages[`/${name}`] = { body: `<!doctype html><title>${name}</title><script type="module" src="/${name}/${name}.js"></script>` };
  app = await startStaticServer(pages, handlers);
  collector = await startCollector({ corsOrigins: [app.url] });
});
test.afterAll(async () => {
  await Promise.all([app?.close(), collector?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

for (const name of ['esbuild', 'rollup', 'lean']) {
  test(`a ${name} bundle of the packed package runs and exports`, async ({ page }) => {
    await page.goto(`${app.url}/${name}?collector=${encodeURIComponent(collector.url)}`);
    await page.waitForFunction(() => typeof (window as any).run === 'function');
    const encoder = await page.evaluate(() => (window as any).run());
    expect(encoder).toBe('wasm');
    const service = `consumer-${name}`;
    await collector.waitFor((c) => c.query.spans({ service }).some((s) => s.name === 'GET'), 10_000);
    if (name !== 'lean') {
      const work = collector.query.spans({ service, name: 'consumer.work' })[0];
      expect(collector.query.spans({ service, name: 'GET' })[0].parentSpanId).toBe(work.spanId);
    }
  });
}

test('plume/custom with one instrumentation leaves the others out', async () => {
  const lean = bundles.lean, full = bundles.esbuild;
  expect(lean).toContain('http.client.request.duration');
  for (const marker of ['documentLoad', 'routeChange', 'layout-shift', 'unhandledrejection', 'XMLHttpRequest']) {
    expect(full, marker).toContain(marker);
    expect(lean, marker).not.toContain(marker);
  }
  console.log(`entry chunk: full ${full.length} B, fetch only ${lean.length} B`);
});
