// "The caller's own traceparent wins": withHeaders() decides per header, so when the caller
// sends its own traceparent (another tracer, a hand-made one) but no tracestate, our
// span's tracestate is added next to THEIR traceparent. tracestate is the vendor data of the
// trace that traceparent names (W3C Trace Context §3.3); pairing it with another trace's
// traceparent sends vendor state for a trace it does not belong to.
import { afterEach, expect, it } from 'vitest';
import { httpClient } from '../../../src/instrument/http-client.js';
import { tracedFetch } from '../../../src/instrument/fetch.js';
import { context, ROOT_CONTEXT } from '../../../src/sdk/context.js';
import { propagation } from '../../../src/sdk/propagation.js';
import { recordingFetch, setup } from './http-harness.js';

const g = globalThis as any;
afterEach(() => { delete g.location; });

it('no tracestate of ours next to the caller\'s own traceparent', async () => {
  g.location = { href: 'https://app.example/page', origin: 'https://app.example' };
  const { ictx } = setup();
  const { f, calls } = recordingFetch();
  const traced = tracedFetch(f, () => ({ start: httpClient(ictx, 'plume.fetch', 'fetch') }));
  // The page's trace came with vendor state (e.g. <meta name="traceparent"> + tracestate).
  const parent = propagation.extract(ROOT_CONTEXT, {
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'vendor=abc',
  });
  const theirs = '00-11111111111111111111111111111111-2222222222222222-01';
  await context.with(parent, () => traced('/api', { headers: { traceparent: theirs } }));
  const sent = new Headers((calls[0].args[1] as RequestInit).headers);
  expect(sent.get('traceparent')).toBe(theirs);
  expect(sent.get('tracestate')).toBeNull();
});
