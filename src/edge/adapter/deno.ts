// Deno.serve handlers: `Deno.serve(instrumentDeno((req, info) => …, config))`, or the object a
// `deno serve` module exports by default. Deno has no waitUntil: the process outlives the
// response, and the export starts once Deno reports the response sent (info.completed).
import { edgeHandler, withFetch, type ConfigInput } from '../core.js';

export interface DenoServeInfo {
  remoteAddr?: { hostname?: string; port?: number; transport?: string };
  completed?: Promise<void>;
}
export type DenoHandler = (request: Request, info: DenoServeInfo) => Response | Promise<Response>;
/** What a config function gets: Deno.env (reading it needs --allow-env, as usual). */
export interface DenoEnv { get(key: string): string | undefined }

const denoEnv = (): DenoEnv => (globalThis as { Deno?: { env?: DenoEnv } }).Deno?.env ?? { get: () => undefined };

export function instrumentDeno(handler: DenoHandler, config: ConfigInput<DenoEnv>): (request: Request, info?: DenoServeInfo) => Promise<Response>;
export function instrumentDeno<H extends { fetch: DenoHandler }>(handler: H, config: ConfigInput<DenoEnv>): Omit<H, 'fetch'> & { fetch(request: Request, info?: DenoServeInfo): Promise<Response> };
export function instrumentDeno(handler: DenoHandler | { fetch: DenoHandler }, config: ConfigInput<DenoEnv>): unknown {
  const inner = typeof handler === 'function' ? handler : handler?.fetch;
  if (typeof inner !== 'function') throw new TypeError('plume/edge: instrumentDeno(handler, config): handler must be a function or have a fetch method');
  const serve = edgeHandler<DenoEnv>(config, 'deno');
  const wrapped = (request: Request, info?: DenoServeInfo): Promise<Response> => {
    const addr = info?.remoteAddr;
    const completed = info?.completed;
    return serve(request, denoEnv(), {
      after: completed && typeof completed.then === 'function' ? completed : undefined,
      peer: addr && addr.transport !== 'unix' ? { address: addr.hostname, port: addr.port } : undefined,
      // The peer of the connection: Deno's own view, which no header can change (behind a
      // proxy of your own it is the proxy; then give config.clientAddress).
      client: addr && addr.transport !== 'unix' && typeof addr.hostname === 'string' ? addr.hostname : undefined,
    }, () => inner.call(handler, request, info as DenoServeInfo));
  };
  return typeof handler === 'function' ? wrapped : withFetch(handler, wrapped);
}
