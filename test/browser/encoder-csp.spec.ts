// In real Chromium: the encoder uses wasm where the page allows it, and falls back to the
// byte-identical JS twin where a CSP without 'wasm-unsafe-eval' refuses compilation.
import { expect, test } from '@playwright/test';
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
    const violations: string[] = [];
    p.on('console', (m) => { if (m.type() === 'error') violations.push(m.text()); });
    await p.goto(`${server.url}${path}?req=${encodeURIComponent(JSON.stringify(req))}`);
    // A function, not a string: strict CSP pages refuse the eval a string predicate needs.
    await p.waitForFunction(() => (window as any).__result);
    const result = await p.evaluate(() => (window as any).__result);
    expect(result.error).toBeUndefined();
    expect(result.auto.kind).toBe(kind);
    expect(result.url.kind).toBe(kind);
    if (kind === 'js') {
      expect(result.auto.fallbackReason).toMatch(/refused/);
      expect(result.wasmOnly).toMatch(/could not load/);
    }
    const want = Array.from((await createEncoder({ implementation: 'js' })).encodeTraces(req));
    expect(result.auto.bytes).toEqual(want);
    expect(result.url.bytes).toEqual(want);
  });
}
