// What the relay rule tests share: valid exports, requests to the relay as a browser (or an
// attacker) would make them, the relay's server-side log lines, and a deadline for the
// answers that never came before the fixes (a hung test says less than a failed one).
import { afterEach, beforeEach } from 'vitest';
import { createEncoder } from '../../../src/encoder.js';

export const SITE = 'https://shop.example.com';
export const KEY = 'server-side-secret-7f3a';
const enc = await createEncoder({ implementation: 'js' });

export const traceId = (k: number) => k.toString(16).padStart(32, 'a');
export const tracesJson = (k = 1) => ({
  resourceSpans: [{
    resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop-web' } }] },
    scopeSpans: [{ scope: { name: 'plume' }, spans: [{
      traceId: traceId(k), spanId: 'b7ad6b7169203331', name: 'GET /cart', kind: 3,
      startTimeUnixNano: '1764614400123456789', endTimeUnixNano: '1764614400223456789',
    }] }],
  }],
});
/** A valid ExportTraceServiceRequest, protobuf. */
export const traces = (k = 1): Uint8Array => enc.encodeTraces(tracesJson(k));

export const post = (body: BodyInit | null, headers: Record<string, string> = {}, path = '/otlp/v1/traces', init: RequestInit = {}) =>
  new Request(`${SITE}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf', ...headers }, ...init });

/** p, or 'pending' if it has not settled within ms. */
export async function within<T>(p: Promise<T>, ms: number): Promise<T | 'pending'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'pending'>((r) => { timer = setTimeout(() => r('pending'), ms); });
  try { return await Promise.race([p, late]); } finally { clearTimeout(timer); }
}

/** console.warn lines for the duration of each test. */
export function warnings(): string[] {
  const lines: string[] = [];
  const original = console.warn;
  beforeEach(() => {
    lines.length = 0;
    console.warn = (...args: unknown[]) => { lines.push(args.map(String).join(' ')); };
  });
  afterEach(() => { console.warn = original; });
  return lines;
}

/** Answers in order; the statuses of those that are Responses. */
export async function statuses(calls: Promise<Response | undefined>[]): Promise<number[]> {
  const out: number[] = [];
  for (const r of await Promise.all(calls)) {
    out.push(r?.status ?? 0);
    await r?.arrayBuffer();
  }
  return out;
}
