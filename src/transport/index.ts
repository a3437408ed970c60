// Sends encoded OTLP requests: fetch while the page lives (the answer is visible, so errors
// can be retried), sendBeacon when it is going away (fetch keepalive when a beacon cannot
// carry the request), or the user's function.
import { nativeFetch, nativeSendBeacon } from '../lib/native.js';
import { warnOnce, W_TRANSPORT } from '../lib/diag.js';
import type { ResolvedConfig, SendInfo, Signal } from '../sdk/config.js';

export const CONTENT_TYPE = 'application/x-protobuf';
/** Bytes in flight per page for sendBeacon and keepalive fetch together (Fetch spec). */
export const KEEPALIVE_QUOTA = 65536;

export interface Transport {
  /** Resolves true when the collector accepted the request (or, for a beacon, when it was queued). */
  send(signal: Signal, body: Uint8Array, items: number, unloading: boolean): Promise<boolean>;
}

export function createTransport(config: ResolvedConfig): Transport {
  const url = (signal: Signal) => `${config.endpoint}/v1/${signal}`;
  const custom = typeof config.transport === 'function' ? config.transport : undefined;
  const mode = custom ? 'custom' : config.transport;
  const hasHeaders = Object.keys(config.headers).length > 0;

  const viaFetch = async (signal: Signal, body: Uint8Array, keepalive: boolean): Promise<boolean> => {
    if (!nativeFetch) return false;
    const res = await nativeFetch(url(signal), {
      method: 'POST',
      body: body as BodyInit,
      headers: { 'content-type': CONTENT_TYPE, ...config.headers },
      keepalive: keepalive && body.length <= KEEPALIVE_QUOTA,
      credentials: 'omit',
    });
    if (!res.ok) warnOnce(W_TRANSPORT, `the collector answered ${res.status} to ${url(signal)}`);
    return res.ok;
  };

  const viaBeacon = (signal: Signal, body: Uint8Array): boolean =>
    !!nativeSendBeacon && nativeSendBeacon(url(signal), new Blob([body as BlobPart], { type: CONTENT_TYPE }));

  return {
    async send(signal, body, items, unloading) {
      try {
        if (custom) {
          const info: SendInfo = { signal, url: config.endpoint ? url(signal) : '', items, unloading };
          await custom(body, signal, info);
          return true;
        }
        // A beacon cannot carry headers (API keys): those collectors get keepalive fetch instead.
        if (mode === 'beacon' || (mode === 'auto' && unloading && !hasHeaders)) {
          if (viaBeacon(signal, body)) return true;
          if (mode === 'beacon') return false;
        }
        return await viaFetch(signal, body, unloading);
      } catch (e) {
        warnOnce(W_TRANSPORT, `could not send to ${config.endpoint || 'the custom transport'}: ${(e as Error)?.message ?? e}`);
        return false;
      }
    },
  };
}
