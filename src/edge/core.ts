// The runtime-neutral edge core: a request becomes a SERVER span (continuing the caller's
// trace), outbound fetches inside it CLIENT spans with traceparent, the response carries the
// SERVER span in Server-Timing, and the export runs after the response has been handed back
// (ctx.waitUntil where the runtime has it). The adapters only translate a runtime's handler
// signature and scheduling into serve().
//
// What is per isolate (one module instance): the context manager, the fetch patch, the set of
// requests in flight. What is per instrument() call: the resolved config and the core.
import { encoderLoader } from '../encode/loader.js';
import { encodeRecords } from '../encode/twin.js';
import { wasmCompileRefusal, type WasmSource } from '../encode/wasm-bridge.js';
import { errorTypeOf, httpClient, type ClientRequest } from '../instrument/http-client.js';
import { tracedFetch } from '../instrument/fetch.js';
import type { InstrumentationContext } from '../instrument/types.js';
import { now } from '../lib/clock.js';
import { guard, warnOnce, W_CALLBACK, W_UNSUPPORTED, W_WASM_FALLBACK, W_WRONG_TYPE } from '../lib/diag.js';
import { readOr, str } from '../lib/safe.js';
import { defaultPort, fullUrl, hostOf, urlQuery } from '../lib/url.js';
import { resolveConfig, type PlumeConfig, type ResolvedConfig } from '../sdk/config.js';
import { context, ROOT_CONTEXT, setContextManager, type Context } from '../sdk/context.js';
import { registerGlobals } from '../sdk/globals.js';
import { createCore, SDK_VERSION, type Core, type Plume } from '../sdk/index.js';
import { propagation, formatTraceparent } from '../sdk/propagation.js';
import { traceIdRatio } from '../sdk/sampler.js';
import type { Exception, Span } from '../sdk/otel-api.js';
import { SpanKind, SpanStatusCode } from '../sdk/span.js';
import { contextValue, setSpan } from '../sdk/span-context.js';
import { AsyncLocalStorageContextManager, findAsyncLocalStorage, RequestContextManager } from './context.js';
import { edgeTransport } from './transport.js';

/** init()'s options, plus what only a server knows. */
export interface EdgeConfig extends PlumeConfig {
  /**
   * The route template of a request ("/users/:id"), when the app can tell it up front: it
   * becomes http.route and the SERVER span's name. Routers that learn it later call setRoute().
   */
  route?: (request: Request) => string | undefined;
  /**
   * The client's address, when you know better than the runtime adapter (your own proxy in
   * front, whose header you trust): the SERVER span's client.address and relay()'s rate limit
   * both use it. Default: what the adapter vouches for (see clientAddressOf).
   */
  clientAddress?: (request: Request) => string | undefined;
}

/** A config, or a function of the runtime's env (bindings, secrets) that returns one. */
export type ConfigInput<Env> = EdgeConfig | ((env: Env) => EdgeConfig | Promise<EdgeConfig>);

/** How a runtime lets work outlive the response. */
export interface Scheduling {
  /** ctx.waitUntil / event.waitUntil: the export is handed to it. */
  waitUntil?: (p: Promise<unknown>) => void;
  /** Resolves once the response has been sent (Deno's info.completed). */
  after?: Promise<unknown>;
  /** The peer's address as the runtime saw it (network.peer.*). */
  peer?: { address?: string; port?: number };
  /**
   * The client's address as the platform vouches for it: the runtime's own view of the
   * connection, or a header its front end overwrites; never a header the client could have set.
   */
  client?: string;
}

/** What the handler adapter gets: call the user's handler inside this. */
export interface RequestScope {
  readonly context: Context;
  /** Background work the handler handed to waitUntil: the export waits for it before its last flush. */
  track(p: unknown): void;
}

// Semantic conventions' advice for http.server.request.duration, in seconds.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const KNOWN_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY'];
const REQUEST_KEY = Symbol.for('plume.edge.request');

interface Instance {
  core: Core;
  config: ResolvedConfig;
  route?: (request: Request) => string | undefined;
  clientAddress?: (request: Request) => string | undefined;
  tracer: ReturnType<Core['getTracer']>;
  duration: ReturnType<ReturnType<Core['getMeter']>['createHistogram']>;
  client?: (method: unknown, target: unknown) => ClientRequest | undefined;
  flush: () => Promise<void>;
}

interface RequestState {
  inst: Instance;
  span: Span;
  ctx: Context;
  method: string;
  scheme: string;
  route?: string;
  /** The client address of the one rule (clientAddressOf): client.address, and relay()'s rate-limit key. */
  client?: string;
  /** Outbound fetches not yet answered, and the handler's waitUntil work. */
  pending: Set<Promise<unknown>>;
  /** The response is out and its background work is over: no longer "in flight". */
  done: boolean;
  /** Date.now() at the start: a request older than STALE_MS no longer counts as in flight. */
  since: number;
}

// ---- per isolate

const inflight = new Set<RequestState>();
const byRequest = new WeakMap<Request, RequestState>();
let contextSetup: Promise<void> | undefined;
let mode: 'async-local-storage' | 'request' | 'none' = 'none';
let baseFetch: typeof fetch | undefined;
let fetchPatched = false;
let lastInstance: Instance | undefined;
let globalsRegistered = false;

// A request the runtime cancels (client gone, waitUntil cut off after 30 s) never reaches its
// retire(): past this age it is forgotten, or the set would grow with every such request and,
// holding two, stop the one-request guess for good.
const STALE_MS = 60_000;
function pruneStale(): void {
  const old = Date.now() - STALE_MS;
  for (const s of inflight) if (s.since < old) inflight.delete(s);
}

/** The only request in flight, if there is exactly one: the no-ALS guess (see context.ts). */
function ambient(): Context | undefined {
  pruneStale();
  if (inflight.size !== 1) return undefined;
  return inflight.values().next().value!.ctx;
}

/**
 * @opentelemetry/api reaches Plume from the first request of an instrument() that allows it
 * (registerGlobals), once per isolate: each call goes to the instance serving the request it
 * is made in (the last one to have served, outside any), so what a handler's libraries make
 * through the API parents under that request's SERVER span.
 */
function registerEdgeGlobals(): void {
  if (globalsRegistered) return;
  globalsRegistered = true;
  const current = (): Core => ((contextValue(context.active(), REQUEST_KEY) as RequestState | undefined)?.inst ?? lastInstance)!.core;
  registerGlobals({
    tracerProvider: { getTracer: (name, version, options) => current().getTracer(name, version, options) },
    meterProvider: { getMeter: (name, version, options) => current().getMeter(name, version, options) },
    loggerProvider: { getLogger: (name, version, options) => current().getLogger(name, version, options) },
  });
}

function setupContext(): Promise<void> {
  contextSetup ??= findAsyncLocalStorage().then((Als) => {
    setContextManager(Als ? new AsyncLocalStorageContextManager(Als) : new RequestContextManager(ambient));
    mode = Als ? 'async-local-storage' : 'request';
  });
  return contextSetup;
}

/** The runtime's fetch as it was before we wrapped it: exports and the relay go through it. */
export function untracedFetch(): typeof fetch {
  return baseFetch ?? globalThis.fetch;
}

/** How context follows a request here: 'async-local-storage', 'request' (no ALS), or 'none' before the first request. */
export const contextMode = (): typeof mode => mode;

/** The Plume instance of this isolate (the last instrument() to have served a request), for custom spans and metrics. */
export const getPlume = (): Plume | undefined => lastInstance?.core;

/**
 * The context of an incoming request (its SERVER span), to pass explicitly where
 * AsyncLocalStorage is missing and several requests are in flight:
 * `context.with(requestContext(request), () => fetch(url))`.
 */
export const requestContext = (request: Request): Context | undefined => byRequest.get(request)?.ctx;

/**
 * The one client-address rule, for the SERVER span's client.address and relay()'s rate limit:
 * an explicit clientAddress(request) when one is given, else what the runtime adapter vouches
 * for (Scheduling.client). Never a forwarding header as the client sent it: anyone can write
 * X-Forwarded-For. A callback that throws or returns a non-string gives no address.
 */
export function clientAddressOf(request: Request, explicit: unknown, vouched: string | undefined): string | undefined {
  let given: unknown = vouched;
  if (explicit !== undefined) {
    try {
      given = typeof explicit === 'function' ? explicit(request) : undefined;
    } catch (e) {
      warnOnce(W_CALLBACK, `clientAddress(request) threw: ${(e as Error)?.message ?? e}; no client address`);
      given = undefined;
    }
  }
  const address = typeof given === 'string' ? given.trim() : '';
  return address ? address.slice(0, 256) : undefined;
}

/**
 * The client address of a request being served by an instrumented handler (what its SERVER
 * span records), or with an explicit rule, that rule's answer; undefined when nothing vouches.
 */
export function requestClientAddress(request: Request, explicit?: unknown): string | undefined {
  if (explicit !== undefined) return clientAddressOf(request, explicit, undefined);
  return byRequest.get(request)?.client;
}

/** Names the request's route once the router knows it: http.route and the span name. */
export function setRoute(request: Request, route: string): void {
  const state = byRequest.get(request) ?? (contextValue(context.active(), REQUEST_KEY) as RequestState | undefined);
  if (!state || typeof route !== 'string' || !route) return;
  state.route = route;
  state.span.updateName(spanName(state.method, route));
  state.span.setAttribute('http.route', route);
}

// ---- fetch

function track(state: RequestState, p: Promise<unknown>): void {
  const settled = p.then(() => undefined, () => undefined);
  state.pending.add(settled);
  void settled.then(() => state.pending.delete(settled));
}

/**
 * Wraps globalThis.fetch once per isolate. The request a call belongs to is found through the
 * context manager, so one wrapper serves every request (and every instrument() call). As in
 * browsers, the caller gets the very promise the runtime's fetch returned.
 */
function patchFetch(): void {
  if (fetchPatched) return;
  fetchPatched = true;
  const g = globalThis as { fetch?: typeof fetch };
  const original = g.fetch;
  if (typeof original !== 'function') return;
  baseFetch = original;
  const wrapped = tracedFetch(original, () => {
    const state = contextValue(context.active(), REQUEST_KEY) as RequestState | undefined;
    const start = (state?.inst ?? lastInstance)?.client;
    if (!start) return undefined;
    // Its CLIENT span should leave with the request's export, even if nobody awaits it.
    return { start, watch: (settled: Promise<unknown>) => { if (state && !state.done) track(state, settled); } };
  });
  g.fetch = wrapped;
}

// ---- resource, encoder

/** Resource attributes of the runtime we are in, whichever adapter was used. */
export function runtimeResource(fallback: string): Record<string, unknown> {
  const g = globalThis as {
    Deno?: { version?: { deno?: string } }; EdgeRuntime?: unknown; Bun?: { version?: string };
    process?: { env?: Record<string, string | undefined>; versions?: { node?: string } };
  };
  const out: Record<string, unknown> = {
    'telemetry.sdk.name': 'plume',
    'telemetry.sdk.language': 'js',
    'telemetry.sdk.version': SDK_VERSION,
  };
  const ua = typeof navigator === 'object' && navigator ? navigator.userAgent : undefined;
  let env: Record<string, string | undefined> | undefined;
  try { env = g.process?.env; } catch { /* a runtime that guards process.env */ }
  if (ua === 'Cloudflare-Workers') {
    out['process.runtime.name'] = 'workerd';
    out['cloud.provider'] = 'cloudflare';
  } else if (g.Deno?.version?.deno) {
    out['process.runtime.name'] = 'deno';
    out['process.runtime.version'] = g.Deno.version.deno;
  } else if (typeof g.EdgeRuntime === 'string') {
    // Vercel runs the edge-runtime package too; its deployments say so in the environment.
    if (env?.VERCEL) {
      out['process.runtime.name'] = 'vercel-edge';
      out['cloud.provider'] = 'vercel';
      if (env.VERCEL_REGION) out['cloud.region'] = env.VERCEL_REGION;
    } else {
      out['process.runtime.name'] = 'edge-runtime';
    }
  } else if (g.Bun?.version) {
    out['process.runtime.name'] = 'bun';
    out['process.runtime.version'] = g.Bun.version;
  } else if (g.process?.versions?.node) {
    out['process.runtime.name'] = 'nodejs';
    out['process.runtime.version'] = g.process.versions.node;
  } else {
    out['process.runtime.name'] = fallback;
  }
  return out;
}

/**
 * The wasm encoder where this runtime can have it: a compiled WebAssembly.Module always
 * (workerd allows instantiating build-time modules only), bytes or a URL where runtime
 * compilation is allowed (Deno, Vercel). Otherwise the JS twin, said once.
 */
function pickWasm(config: ResolvedConfig): { mode: 'wasm' | 'js' | 'auto'; wasm?: WasmSource } {
  if (config.encoder === 'js') return { mode: 'js' };
  const w = config.wasm;
  if (typeof WebAssembly === 'object' && w instanceof WebAssembly.Module) return { mode: config.encoder, wasm: w };
  let why: string;
  if (w === undefined) {
    why = 'no WebAssembly.Module was given (config.wasm: import wasm from "plume/plume.wasm")';
  } else {
    why = wasmCompileRefusal();
    if (!why) return { mode: config.encoder, wasm: typeof w === 'string' ? new URL(w) : w };
    why += '; give config.wasm as a build-time imported WebAssembly.Module';
  }
  warnOnce(W_WASM_FALLBACK, `${why}; the JS twin encodes the same bytes`);
  return { mode: 'js' };
}

function createInstance(raw: EdgeConfig, runtime: string): Instance {
  const { route, clientAddress: givenAddress, ...plumeConfig } = (raw && typeof raw === 'object' ? raw : {}) as EdgeConfig;
  if (givenAddress !== undefined && typeof givenAddress !== 'function') {
    warnOnce(W_WRONG_TYPE, 'config.clientAddress must be a function of the request: ignored');
  }
  const clientAddress = typeof givenAddress === 'function' ? givenAddress : undefined;
  // Validated exactly as init() does: unknown keys warn, a bad endpoint is a TypeError.
  const config = resolveConfig(raw && typeof raw === 'object' ? plumeConfig : raw, undefined, { serviceName: `unknown_service:${runtime}` });
  if (config.transport === 'beacon') warnOnce(W_UNSUPPORTED, 'config.transport "beacon": there is no sendBeacon on the edge; fetch is used');
  const picked = pickWasm(config);
  const encoder = encoderLoader({ mode: picked.mode, wasm: picked.wasm, twin: () => encodeRecords });
  // Instantiate now (microseconds for this module) so that encoder kind is known from the start.
  encoder.current();
  if (picked.wasm && encoder.kind() !== 'wasm') warnOnce(W_WASM_FALLBACK, 'the wasm encoder could not be instantiated; the JS twin encodes the same bytes');
  const core = createCore(config, {
    detectedResource: runtimeResource(runtime),
    sampleRoot: traceIdRatio(config.sampleRate),
    encoder,
    transport: edgeTransport(config, untracedFetch),
  });
  // Servers call their own upstreams: traceparent goes to every URL unless the config names
  // which ones (httpClient's rule is "same origin or listed", and the edge has no origin).
  const listed = config.propagateTraceHeaderCorsUrls;
  const ictx: InstrumentationContext = {
    core,
    config: { ...config, propagateTraceHeaderCorsUrls: listed.length ? listed : [''] },
    parentContext: () => context.active(),
    requestStarted: () => () => {},
  };
  const meter = core.getMeter('plume.edge', SDK_VERSION);
  return {
    core, config, route, clientAddress,
    tracer: core.getTracer('plume.edge', SDK_VERSION),
    duration: meter.createHistogram('http.server.request.duration', {
      unit: 's', description: 'Duration of HTTP server requests.', advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    client: config.instrumentations.fetch === false ? undefined : httpClient(ictx, 'plume.fetch', 'fetch'),
    flush: flusher(core, config.batch.exportTimeoutMillis + 5000),
  };
}

// ---- the request

const spanName = (method: string, route: string | undefined): string => `${method === '_OTHER' ? 'HTTP' : method}${route ? ` ${route}` : ''}`;

/** Splits a header list on commas outside quoted strings. */
function splitList(v: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '"' && v[i - 1] !== '\\') quoted = !quoted;
    else if (c === ',' && !quoted) { out.push(v.slice(start, i)); start = i + 1; }
  }
  out.push(v.slice(start));
  return out.map((s) => s.trim()).filter(Boolean);
}

/**
 * Server-Timing with our traceparent last. Other metrics stay; a traceparent already there
 * (an origin we proxied) goes, because the browser links to the first one it finds and the
 * hop it talked to is this one.
 */
export function mergeServerTiming(existing: string | null, traceparent: string): string {
  const ours = `traceparent;desc="${traceparent}"`;
  if (!existing) return ours;
  const kept = splitList(existing).filter((m) => !/^traceparent\s*(;|$)/i.test(m));
  return kept.concat(ours).join(', ');
}

function withServerTiming(res: Response, span: Span): Response {
  // A websocket upgrade is the runtime's own object: re-creating it would break the socket.
  if (res.status === 101 || (res as { webSocket?: unknown }).webSocket) return res;
  const value = mergeServerTiming(res.headers.get('server-timing'), formatTraceparent(span.spanContext()));
  try {
    res.headers.set('server-timing', value);
    return res;
  } catch {
    // Immutable headers (a fetch() response passed through, Response.redirect()).
  }
  try {
    const copy = new Response(res.body, res);
    copy.headers.set('server-timing', value);
    return copy;
  } catch {
    return res;
  }
}

const isResponse = (v: unknown): v is Response =>
  !!v && typeof v === 'object' && typeof (v as Response).status === 'number' && typeof (v as Response).headers?.get === 'function';

/**
 * Waits for p (at most limitMs) with a timer of this request's own ticking meanwhile. In
 * workerd a request that waits only on something another request will do looks hung: it is
 * cancelled, and the other request's resolution is dropped with a warning ("A promise was
 * resolved … from a different request context"). A pending timer shows it is alive.
 */
async function awaitAlive(p: Promise<unknown>, limitMs: number): Promise<void> {
  let settled = false;
  const done = p.then(() => { settled = true; }, () => { settled = true; });
  const deadline = Date.now() + limitMs;
  while (!settled && Date.now() < deadline) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([done, new Promise((r) => { timer = setTimeout(r, 50); })]);
    clearTimeout(timer);
  }
}

/**
 * One flush at a time per core, and the requests that ask meanwhile share the next one: under
 * load an export carries many requests' spans instead of each request queueing its own.
 * workerd delivers a promise's resolution to the request that created it (and drops it if that
 * request is gone), so no request awaits a promise another request made: a waiting request is
 * woken through a promise of its own, and then flushes in its own context.
 */
function flusher(core: Core, limitMs: number): () => Promise<void> {
  let busy = false;
  let busySince = 0;
  let started = 0;
  let finished = 0;
  const wakers = new Set<() => void>();
  return async () => {
    // Satisfied by a flush that starts after this call (it sees everything recorded so far).
    const need = started + 1;
    while (finished < need) {
      if (!busy) {
        busy = true;
        busySince = Date.now();
        const n = ++started;
        try { await core.flush(); } catch { /* the exporter counts its own failures */ }
        finished = Math.max(finished, n);
        busy = false;
        const woken = [...wakers];
        wakers.clear();
        for (const wake of woken) wake();
      } else {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          new Promise<void>((wake) => wakers.add(wake)),
          new Promise((r) => { timer = setTimeout(r, Math.max(50, busySince + limitMs - Date.now())); }),
        ]);
        clearTimeout(timer);
        // A flush this old belongs to a request the runtime cut off (workerd ends waitUntil
        // work 30 s after the response): it will never finish, so take over.
        if (busy && Date.now() - busySince > limitMs) busy = false;
      }
    }
  };
}

/** The export after the response: first what is done, then whatever background work adds. */
async function exportAfter(state: RequestState, deferred: boolean): Promise<void> {
  const { inst } = state;
  const limit = inst.config.batch.exportTimeoutMillis + 1000;
  // Let the runtime take the response before we spend CPU encoding.
  if (!deferred) await new Promise((r) => setTimeout(r, 0));
  // Out of "in flight" as soon as nothing of it runs any more, so that the no-ALS guess is
  // not blocked by our own export waiting on the collector.
  const retire = () => { state.done = true; inflight.delete(state); };
  if (!state.pending.size) retire();
  await awaitAlive(inst.flush(), limit);
  if (state.done) return;
  // Background work: bounded by workerd's own limit on waitUntil after the response.
  const background = (async () => { while (state.pending.size) await Promise.all([...state.pending]); })();
  await awaitAlive(background, 30_000);
  retire();
  await awaitAlive(inst.flush(), limit);
}

function schedule(state: RequestState, sched: Scheduling): void {
  if (sched.waitUntil) {
    const job = exportAfter(state, false);
    try {
      sched.waitUntil(job);
      return;
    } catch {
      // A waitUntil that throws (a context already finished): the job runs anyway.
    }
  } else if (sched.after) {
    const run = () => exportAfter(state, true);
    sched.after.then(run, run);
  } else {
    void exportAfter(state, false);
  }
}

/**
 * One instrumented handler's core. serve() is what every adapter calls per request; the
 * config (or the function of env) is resolved at the first request and cached, and a config
 * that does not validate is thrown at every request as the TypeError resolveConfig made.
 */
export function edgeHandler<Env>(config: ConfigInput<Env>, runtime: string) {
  let instance: Instance | undefined;
  let failure: unknown;
  let pending: Promise<Instance> | undefined;

  const setup = (env: Env): Promise<Instance> => {
    pending ??= (async () => {
      await setupContext();
      const raw = typeof config === 'function' ? await config(env) : config;
      const inst = createInstance(raw, runtime);
      if (inst.client) patchFetch();
      lastInstance ??= inst;
      if (inst.config.registerGlobals) registerEdgeGlobals();
      return inst;
    })().then((inst) => (instance = inst), (e) => { failure = e; throw e; });
    return pending;
  };

  return async function serve(
    request: Request, env: Env, sched: Scheduling, run: (scope: RequestScope) => Response | Promise<Response>,
  ): Promise<Response> {
    if (failure) throw failure;
    const inst = instance ?? (await setup(env));
    lastInstance = inst;
    const url = new URL(request.url);
    const upper = String(request.method).toUpperCase();
    const method = KNOWN_METHODS.includes(upper) ? upper : '_OTHER';
    const given = guard(() => inst.route?.(request));
    const route = typeof given === 'string' && given ? given : undefined;
    const h = request.headers;
    const client = clientAddressOf(request, inst.clientAddress, sched.client);
    const attributes: Record<string, unknown> = {
      'http.request.method': method,
      'url.full': fullUrl(url, inst.config.redactQueryParams),
      'url.path': url.pathname,
      'url.query': urlQuery(url, inst.config.redactQueryParams),
      'url.scheme': url.protocol.slice(0, -1),
      'server.address': hostOf(url),
      'server.port': defaultPort(url),
      'user_agent.original': h.get('user-agent') ?? undefined,
      'client.address': client,
      'network.peer.address': sched.peer?.address,
      'network.peer.port': sched.peer?.port,
      'http.route': route,
    };
    // Semconv: whenever what came is not the canonical name (PURGE, or a lower-case patch).
    if (method !== request.method) attributes['http.request.method_original'] = request.method;
    const parent = propagation.extract(ROOT_CONTEXT, h);
    const span = inst.tracer.startSpan(spanName(method, route), { kind: SpanKind.SERVER, attributes }, parent);
    const state: RequestState = {
      inst, span, ctx: ROOT_CONTEXT, method, scheme: attributes['url.scheme'] as string, route, client,
      pending: new Set(), done: false, since: Date.now(),
    };
    state.ctx = setSpan(parent, span).setValue(REQUEST_KEY, state);
    byRequest.set(request, state);
    pruneStale();
    inflight.add(state);
    const started = now();
    const scope: RequestScope = {
      context: state.ctx,
      track: (p) => { if (!state.done) track(state, Promise.resolve(p)); },
    };

    let res: Response;
    try {
      res = await context.with(state.ctx, run, undefined, scope);
    } catch (e) {
      guard(() => end(state, started, 0, e, true));
      schedule(state, sched);
      // The runtime must see exactly what the handler threw.
      throw e;
    }
    if (!isResponse(res)) {
      guard(() => end(state, started, 0, undefined, false));
      schedule(state, sched);
      return res;
    }
    guard(() => end(state, started, res.status, undefined, false));
    const out = guard(() => withServerTiming(res, span), res) ?? res;
    schedule(state, sched);
    return out;
  };
}

function end(state: RequestState, started: number, status: number, error: unknown, threw: boolean): void {
  const { span } = state;
  let errorType: string | undefined;
  if (status > 0) span.setAttribute('http.response.status_code', status);
  if (threw) {
    span.recordException(error as Exception);
    errorType = errorTypeOf(error);
    // What the handler threw may be anything: its message, read without letting it throw.
    const message = error && typeof error === 'object' ? readOr(error, 'message') : error;
    span.setStatus({ code: SpanStatusCode.ERROR, message: message === undefined ? undefined : str(message) });
  } else if (status >= 500) {
    // Server side, only 5xx is an error: a 4xx is the client's (semantic conventions).
    errorType = String(status);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  if (errorType) span.setAttribute('error.type', errorType);
  span.end();
  const m: Record<string, unknown> = { 'http.request.method': state.method, 'url.scheme': state.scheme };
  if (status > 0) m['http.response.status_code'] = status;
  if (state.route) m['http.route'] = state.route;
  if (errorType) m['error.type'] = errorType;
  state.inst.duration.record((now() - started) / 1000, m, state.ctx);
}

/**
 * The handler object with its fetch replaced. Own properties are copied; methods it inherits
 * (a class instance: a router, an app) are bound to it, so they keep their `this` and its
 * private fields. The original object is not modified.
 */
export function withFetch<H extends object, F>(handler: H, fetch: F): Omit<H, 'fetch'> & { fetch: F } {
  const out = { ...handler } as Record<PropertyKey, unknown>;
  for (let proto = Object.getPrototypeOf(handler); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (key === 'constructor' || key in out) continue;
      const v = (handler as Record<string, unknown>)[key];
      if (typeof v === 'function') out[key] = v.bind(handler);
    }
  }
  out.fetch = fetch;
  return out as Omit<H, 'fetch'> & { fetch: F };
}

/**
 * ctx with waitUntil watched: the work handed to it is also waited for by our export, so the
 * spans it makes go out with the request. Everything else is the runtime's object, untouched.
 */
export function watchWaitUntil<T extends object>(ctx: T, scope: RequestScope): T {
  const target = ctx as T & { waitUntil?: (p: unknown) => void };
  if (typeof target.waitUntil !== 'function') return ctx;
  const waitUntil = (p: unknown) => {
    scope.track(p);
    return target.waitUntil!(p);
  };
  return new Proxy(target, {
    get(t, key) {
      if (key === 'waitUntil') return waitUntil;
      const v = Reflect.get(t, key, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}
