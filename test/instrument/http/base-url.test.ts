// A relative fetch/XHR URL is resolved by the browser against the document's base URL
// (Fetch: "parsing input with baseURL", the relevant settings object's API base URL, which
// is document.baseURI and follows <base href>), not against location.href. toUrl() uses
// location.href, so with a <base href> url.full is a URL never requested, and the
// same-origin test (which decides whether traceparent is injected) judges the wrong URL.
import { afterEach, expect, it } from 'vitest';
import { httpClient } from '../../../src/instrument/http-client.js';
import { setup } from './http-harness.js';

const g = globalThis as any;
afterEach(() => { delete g.location; delete g.document; });

it('url.full of a relative URL follows <base href> (document.baseURI), as the request does', async () => {
  g.location = { href: 'https://app.example/shop/orders/12', origin: 'https://app.example' };
  g.document = { baseURI: 'https://app.example/shop/' }; // <base href="/shop/">
  const { ictx, spans } = setup();
  const req = httpClient(ictx, 'plume.fetch', 'fetch')('GET', 'api/orders')!;
  req.end(200);
  const [span] = await spans();
  expect(span.attrs['url.full']).toBe('https://app.example/shop/api/orders');
});

it('no traceparent for a relative URL that a cross-origin <base href> sends to another origin', () => {
  g.location = { href: 'https://app.example/page', origin: 'https://app.example' };
  g.document = { baseURI: 'https://cdn.example/assets/' }; // <base href="https://cdn.example/assets/">
  const { ictx } = setup();
  const req = httpClient(ictx, 'plume.fetch', 'fetch')('GET', 'data.json')!;
  // The request goes to https://cdn.example/assets/data.json: cross-origin, not listed.
  // A traceparent there turns a simple CORS request into a preflighted one.
  expect(req.headers).toBeUndefined();
});
