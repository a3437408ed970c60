// "Our own exports never instrumented": http-client.ts treats every URL that starts with the
// endpoint string as ours. Our exports go to <endpoint>/v1/{traces,metrics,logs} only, so a
// plain prefix test also swallows the page's own requests: every same-origin request when
// the endpoint is the site's origin (endpoint '/' with relay({ pathPrefix: '/' })), another
// port that starts with the same digits, or a sibling path.
import { afterEach, expect, it } from 'vitest';
import { httpClient } from '../../../src/instrument/http-client.js';
import { setup } from './http-harness.js';

const g = globalThis as any;
afterEach(() => { delete g.location; });

it('endpoint "/" (the site origin; exports go to /v1/*): the page\'s own API calls are still traced', () => {
  g.location = { href: 'https://app.example/cart', origin: 'https://app.example' };
  const { ictx, config } = setup({ endpoint: '/' });
  expect(config.endpoint).toBe('https://app.example');
  const start = httpClient(ictx, 'plume.fetch', 'fetch');
  expect(start('POST', 'https://app.example/v1/traces')).toBeUndefined(); // ours: right
  expect(start('GET', '/api/cart')).toBeDefined(); // the app's: must be traced (with traceparent)
});

it('endpoint http://localhost:4318: a request to http://localhost:43180 is not ours', () => {
  const { ictx } = setup({ endpoint: 'http://localhost:4318' });
  const start = httpClient(ictx, 'plume.fetch', 'fetch');
  expect(start('GET', 'http://localhost:43180/api')).toBeDefined();
});

it('endpoint https://app.example/otlp: a request to /otlp-settings is not ours', () => {
  g.location = { href: 'https://app.example/cart', origin: 'https://app.example' };
  const { ictx } = setup({ endpoint: '/otlp' });
  const start = httpClient(ictx, 'plume.fetch', 'fetch');
  expect(start('GET', '/otlp-settings.json')).toBeDefined();
});
