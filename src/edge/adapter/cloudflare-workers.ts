// Cloudflare Workers (workerd) module workers: `export default instrument({ fetch }, (env) => config)`.
// The export is handed to ctx.waitUntil, so the response never waits for it.
import { edgeHandler, watchWaitUntil, withFetch, type ConfigInput } from '../core.js';

export interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException?(): void;
}

export interface ModuleWorker<Env = unknown, Ctx extends ExecutionContextLike = ExecutionContextLike> {
  fetch?(request: Request, env: Env, ctx: Ctx): Response | Promise<Response>;
}

/** The env and ctx types the handler's fetch declares (what a config function then gets). */
type EnvOf<H> = H extends { fetch?: (request: Request, env: infer E, ...rest: never[]) => unknown } ? E : unknown;
type CtxOf<H> = H extends { fetch?: (request: Request, env: never, ctx: infer C) => unknown } ? C : ExecutionContextLike;

/** The handler object as given, with the runtime's full fetch signature. */
export type Instrumented<H, Env = EnvOf<H>, Ctx = CtxOf<H>> = Omit<H, 'fetch'> & { fetch(request: Request, env: Env, ctx: Ctx): Promise<Response> };

/**
 * The client address Cloudflare vouches for. A request that came through Cloudflare's front
 * end has `request.cf` (its metadata) and a CF-Connecting-IP header that the front end sets,
 * overwriting any the client sent. workerd serving a socket itself (local, self-hosted) puts
 * the peer it accepted in `request.cf.clientIp` ("203.0.113.7:51234", "[2001:db8::1]:51234"),
 * and passes CF-Connecting-IP through as the client sent it, so there the peer is the answer.
 * Without `request.cf` nothing vouches for any header: undefined.
 */
export function cloudflareClientAddress(request: Request): string | undefined {
  try {
    const cf = (request as { cf?: unknown }).cf;
    if (!cf || typeof cf !== 'object') return undefined;
    const peer = (cf as { clientIp?: unknown }).clientIp;
    if (typeof peer === 'string' && peer) {
      const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(peer);
      return bracketed ? bracketed[1] : peer.replace(/^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/, '$1');
    }
    return request.headers.get('cf-connecting-ip')?.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The module worker with its fetch traced. Other handlers (scheduled, queue, …) are kept as
 * they are; their outbound fetches are still traced, as roots.
 */
export function instrument<H extends ModuleWorker<any, any>, Env = EnvOf<H>>(handler: H, config: ConfigInput<Env>): Instrumented<H, Env> {
  type Ctx = CtxOf<H> & ExecutionContextLike;
  const inner = handler?.fetch as ModuleWorker<Env, Ctx>['fetch'];
  if (typeof inner !== 'function') throw new TypeError('plume/edge: instrument(handler, config): handler.fetch must be a function');
  const serve = edgeHandler<Env>(config, 'workerd');
  return withFetch(handler, (request: Request, env: Env, ctx: Ctx): Promise<Response> => {
    const waitUntil = ctx && typeof ctx.waitUntil === 'function' ? (p: Promise<unknown>) => ctx.waitUntil(p) : undefined;
    return serve(request, env, { waitUntil, client: cloudflareClientAddress(request) }, (scope) =>
      inner.call(handler, request, env, ctx ? watchWaitUntil(ctx, scope) : ctx));
  });
}
