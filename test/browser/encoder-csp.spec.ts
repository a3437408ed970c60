// In Chromium, Firefox and WebKit: the encoder uses wasm where the page allows it, and falls
// back to the byte-identical JS twin where a CSP without 'wasm-unsafe-eval' refuses it.
import { expect, test } from './fixtures.js';
import { createEncoder } from '../../src/encoder.js';
import { FIXTURES } from '../encode/fixtures.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';

const req = FIXTURES.find((f) => f.name === 'traces: every span field')!.req;
const page = (csp?: string) => ({
  headers: csp ? { 'content-security-policy': csp } : undefined,
  body: `<!doctype html><meta charset="utf-8"><title>encoder</title><script type="module" src="/test/browser/pages/encode.js"></script>`,
});

let server: StaticServer;
test.beforeAll(async () => {
  server = await startStaticServer({
    '/none': page(),
    '/strict': page("script-src 'self'"),
    '/wasm-allowed': page("script-src 'self' 'wasm-unsafe-eval'"),
  });
});
test.afterAll(() => server.close());

for (const [path, kind] of [['/none', 'wasm'], ['/strict', 'js'], ['/wasm-allowed', 'wasm']] as const) {
  test(`${path}: ${kind} encoder, same bytes as the twin in node`, async ({ page: p }) => {
    await p.goto(`${server.url}${path}?req=${encodeURIComponent(JSON.stringify(req))}`);
    // A function, not a string: strict CSP pages refuse the eval a string predicate needs.
    await p.waitForFunction(() => (window as any).__result);
    const result = await p.evaluate(() => (window as any).__result);
    expect(result.error).toBeUndefined();
    expect(result.auto.kind).toBe(kind);
    expect(result.url.kind).toBe(kind);
    if (kind === 'js') {
      // Chromium and Firefox refuse compiling, which the encoder's probe reports as "WebAssembly
      // compilation refused (…)"; WebKit compiles and refuses instantiating, and its own
      // message reads "Refused to create a WebAssembly object …". Either way: refused.
      expect(result.auto.fallbackReason).toMatch(/refused/i);
      expect(result.wasmOnly).toMatch(/could not load/);
    }
    const want = Array.from((await createEncoder({ implementation: 'js' })).encodeTraces(req));
    expect(result.auto.bytes).toEqual(want);
    expect(result.url.bytes).toEqual(want);
  });
}
