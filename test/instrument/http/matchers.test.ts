// matchesAny() resets lastIndex by assigning to it. A frozen RegExp (deep-frozen config
// objects are common) has a read-only lastIndex: the assignment throws in module (strict)
// code, the whole start() throws, and tracedFetch's guard then sends the request untraced:
// no span and no traceparent for any request, with no warning (debug off). The config
// validation accepted the RegExp.
import { afterEach, expect, it } from 'vitest';
import { httpClient } from '../../../src/instrument/http-client.js';
import { tracedFetch } from '../../../src/instrument/fetch.js';
import { matchesAny } from '../../../src/sdk/config.js';
import { recordingFetch, setup } from './http-harness.js';

const g = globalThis as any;
afterEach(() => { delete g.location; });

it('matchesAny works with a frozen RegExp', () => {
  expect(matchesAny('https://api.example/x', [Object.freeze(/api\.example/)])).toBe(true);
});

it('a frozen RegExp in ignoreUrls does not stop every other request from being traced', async () => {
  g.location = { href: 'https://app.example/page', origin: 'https://app.example' };
  const { ictx, spans } = setup({ ignoreUrls: [Object.freeze(/\/health$/)] });
  const { f, calls } = recordingFetch();
  const traced = tracedFetch(f, () => ({ start: httpClient(ictx, 'plume.fetch', 'fetch') }));
  await traced('/api/cart');
  expect(new Headers((calls[0].args[1] as RequestInit | undefined)?.headers).get('traceparent')).toBeTruthy();
  expect((await spans()).map((s) => s.attrs['url.full'])).toEqual(['https://app.example/api/cart']);
});
