// Vercel edge functions and Next.js middleware: `export default instrumentVercel((req, ctx) => …, config)`.
// The export goes to ctx.waitUntil when the caller passes a context (middleware's event,
// the edge function's context), else to the request context Vercel keeps on the global
// (what @vercel/functions' waitUntil uses), else it simply runs after the response.
import { edgeHandler, watchWaitUntil, type ConfigInput } from '../core.js';

export interface WaitUntilContext { waitUntil(promise: Promise<unknown>): void }
export type VercelHandler<C extends WaitUntilContext = WaitUntilContext> = (request: Request, ctx?: C) => Response | Promise<Response>;
export type VercelEnv = Record<string, string | undefined>;

const REQUEST_CONTEXT = Symbol.for('@vercel/request-context');

function vercelWaitUntil(): ((p: Promise<unknown>) => void) | undefined {
  try {
    const holder = (globalThis as Record<symbol, { get?: () => { waitUntil?: (p: Promise<unknown>) => void } | undefined }>)[REQUEST_CONTEXT];
    const ctx = holder?.get?.();
    return typeof ctx?.waitUntil === 'function' ? (p) => ctx.waitUntil!(p) : undefined;
  } catch {
    return undefined;
  }
}

const processEnv = (): VercelEnv => {
  try {
    return (globalThis as { process?: { env?: VercelEnv } }).process?.env ?? {};
  } catch {
    return {};
  }
};

/**
 * The client address Vercel vouches for. On Vercel (VERCEL set in the environment) the front
 * end overwrites X-Forwarded-For, X-Real-IP and X-Vercel-Forwarded-For with the address it
 * accepted; x-vercel-forwarded-for is the one a proxy of your own on top of Vercel cannot
 * change. Anywhere else (edge-runtime on your machine) they are as the client sent them:
 * undefined.
 */
export function vercelClientAddress(request: Request, env: VercelEnv = processEnv()): string | undefined {
  try {
    if (!env.VERCEL) return undefined;
    const h = request.headers;
    return (h.get('x-vercel-forwarded-for') ?? h.get('x-real-ip'))?.split(',')[0].trim() || undefined;
  } catch {
    return undefined;
  }
}

export function instrumentVercel<C extends WaitUntilContext>(handler: VercelHandler<C>, config: ConfigInput<VercelEnv>): (request: Request, ctx?: C) => Promise<Response> {
  if (typeof handler !== 'function') throw new TypeError('plume/edge: instrumentVercel(handler, config): handler must be a function');
  const serve = edgeHandler<VercelEnv>(config, 'vercel-edge');
  return (request, ctx) => {
    const given = ctx && typeof ctx.waitUntil === 'function' ? (p: Promise<unknown>) => ctx.waitUntil(p) : undefined;
    const env = processEnv();
    return serve(request, env, { waitUntil: given ?? vercelWaitUntil(), client: vercelClientAddress(request, env) }, (scope) =>
      handler(request, ctx ? watchWaitUntil(ctx, scope) : ctx));
  };
}
