// The application every test worker runs, whatever the runtime: routes that exercise the
// SERVER span, outbound fetch in its different forms, errors, and what the test needs to see
// (encoder kind, context mode, warnings).
import { logs, trace } from '@opentelemetry/api';
import { context, contextMode, getPlume, requestContext, setRoute } from '../../../src/edge/index.js';

export class Boom extends Error {
  constructor(message: string) { super(message); this.name = 'Boom'; }
}

/** What the handler last threw, so that the outer layer can tell whether it got the same object. */
export const thrown: { last?: unknown } = {};

/** console.warn as this isolate saw it. */
export const warnings: string[] = [];
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => { warnings.push(args.map(String).join(' ')); warn(...args); };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function app(upstream: string) {
  return async (request: Request, background?: (p: Promise<unknown>) => void): Promise<Response> => {
    const url = new URL(request.url);
    const id = url.searchParams.get('id') ?? '';
    const up = (suffix = '') => `${upstream}/up?id=${id}${suffix}`;
    switch (url.pathname) {
      case '/call': {
        const r = await fetch(up());
        return new Response(`upstream said ${await r.text()}`, { headers: { 'server-timing': 'app;dur=2' } });
      }
      case '/forms': {
        await fetch(new Request(up('-request'), { headers: { 'x-form': 'request' } }));
        await fetch(new URL(up('-url')));
        await fetch(up('-tuples'), { headers: [['x-form', 'tuples']] });
        await fetch(up('-headers'), { headers: new Headers({ 'x-form': 'headers' }) });
        await fetch(up('-record'), { method: 'POST', body: 'hi', headers: { 'x-form': 'record' } });
        return new Response('forms');
      }
      // A fetch that fails: its CLIENT span records the error, the caller sees the rejection.
      case '/refused': {
        const err = await fetch(`http://127.0.0.1:${url.searchParams.get('port')}/`).then(() => 'resolved', (e: Error) => `rejected ${e.name}`);
        return new Response(err);
      }
      // The upstream's own response: immutable headers in workerd, with its Server-Timing.
      case '/proxy':
        return fetch(up());
      case '/throw': {
        const e = new Boom(`boom ${id}`);
        thrown.last = e;
        await Promise.resolve();
        throw e;
      }
      case '/500':
        return new Response('down', { status: 500 });
      case '/404':
        return new Response('nope', { status: 404 });
      case '/route':
        setRoute(request, '/route/:id');
        return new Response('routed');
      // Outbound fetch after a timer: found by ALS, or by the "one request in flight" guess.
      case '/delayed': {
        await sleep(Number(url.searchParams.get('ms') ?? 50));
        await fetch(up());
        await sleep(Number(url.searchParams.get('after') ?? 0));
        return new Response('delayed');
      }
      // The same, with the request's context passed explicitly.
      case '/explicit': {
        await sleep(Number(url.searchParams.get('ms') ?? 50));
        const ctx = requestContext(request)!;
        await context.with(ctx, () => fetch(up()));
        await sleep(Number(url.searchParams.get('after') ?? 0));
        return new Response('explicit');
      }
      // Work handed to waitUntil that finishes after the response.
      case '/background': {
        background?.((async () => { await sleep(100); await fetch(up()); })());
        return new Response('background');
      }
      // A library on @opentelemetry/api (traces and 1.10's logs) inside the handler (it takes its tracer
      // there: the API hands out no-ops before the first request has registered Plume).
      case '/api': {
        const tracer = trace.getTracer('edge-lib', '1.2.3');
        await tracer.startActiveSpan('lib.work', async (span) => {
          const r = fetch(up());
          logs.getLogger('edge-lib', '1.2.3').emit({ severityNumber: 9, body: `lib ${id}` });
          await r;
          span.end();
        });
        return new Response('api');
      }
      case '/info':
        return Response.json({ encoder: getPlume()?.encoder, context: contextMode(), warnings });
      default:
        return new Response('not found', { status: 404 });
    }
  };
}

/** The layer between the runtime and the instrumented handler: checks that errors arrive unchanged. */
export async function outer(request: Request, call: () => Promise<Response>): Promise<Response> {
  try {
    return await call();
  } catch (e) {
    if (new URL(request.url).searchParams.has('check')) {
      return new Response(String(e === thrown.last), { status: 500, headers: { 'x-same-error': String(e === thrown.last) } });
    }
    throw e;
  }
}
