// tracedFetch with a Request and no init: adding our headers calls fetch(request, { headers }).
// A non-empty init makes the Request constructor reset the request's referrer to "client"
// and its referrer policy to "" (Fetch spec, Request constructor step "If init is not
// empty"), so the request that goes out is not the one the caller built.
import { afterEach, expect, it } from 'vitest';
import { httpClient } from '../../../src/instrument/http-client.js';
import { tracedFetch } from '../../../src/instrument/fetch.js';
import { recordingFetch, setup } from './http-harness.js';

const g = globalThis as any;
afterEach(() => { delete g.location; });

it('a Request built with referrerPolicy "no-referrer" keeps it when traceparent is added', async () => {
  g.location = { href: 'https://app.example/page', origin: 'https://app.example' };
  const { ictx } = setup();
  const { f, calls } = recordingFetch();
  const traced = tracedFetch(f, () => ({ start: httpClient(ictx, 'plume.fetch', 'fetch') }));
  const req = new Request('https://app.example/api', { referrerPolicy: 'no-referrer', referrer: '' });
  await traced(req);
  // What the runtime's fetch builds from what it was given (fetch() runs new Request(input, init)).
  const sent = new Request(...(calls[0].args as [RequestInfo, RequestInit?]));
  expect(sent.headers.get('traceparent')).toBeTruthy();
  expect(sent.referrerPolicy).toBe('no-referrer');
  expect(sent.referrer).toBe('');
});

it('a Request with an explicit same-origin referrer keeps it when traceparent is added', async () => {
  g.location = { href: 'https://app.example/page', origin: 'https://app.example' };
  const { ictx } = setup();
  const { f, calls } = recordingFetch();
  const traced = tracedFetch(f, () => ({ start: httpClient(ictx, 'plume.fetch', 'fetch') }));
  const req = new Request('https://app.example/api', { referrer: 'https://app.example/checkout', referrerPolicy: 'unsafe-url' });
  await traced(req, {});
  const sent = new Request(...(calls[0].args as [RequestInfo, RequestInit?]));
  expect(sent.headers.get('traceparent')).toBeTruthy();
  expect([sent.referrer, sent.referrerPolicy]).toEqual(['https://app.example/checkout', 'unsafe-url']);
});
