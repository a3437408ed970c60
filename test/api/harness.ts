// Plume started with init() in node (no page: the instrumentations find nothing to patch), its
// requests captured by a transport function and decoded by @bufbuild/protobuf over the
// official protos: what a collector would receive, read by a decoder that is not ours.
import type { Signal } from '../helpers/otlp-schema.js';
import { itemsOf, type Items } from '../helpers/otlp-items.js';

export { attr } from '../helpers/otlp-items.js';
export type Delivered = Items;

/** init()'s config for node: captured requests, no instrumentation. */
export function capture(extra: Record<string, unknown> = {}) {
  const sent: { signal: Signal; body: Uint8Array }[] = [];
  const config = {
    endpoint: 'https://collector.example', serviceName: 'api-test', encoder: 'js',
    transport: (body: Uint8Array, signal: Signal) => { sent.push({ signal, body: body.slice() }); },
    instrumentations: { fetch: false, xhr: false, navigation: false, errors: false, webVitals: false },
    ...extra,
  };
  /** Every span, log record and metric delivered so far, each with its scope ({ name, version }). */
  const delivered = (): Delivered => itemsOf(sent);
  return { config, sent, delivered };
}
