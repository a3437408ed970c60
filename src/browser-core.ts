// What every browser entry shares: start() validates the config, starts the core with the
// browser's resource and session, installs the instrumentations it is given, flushes on page
// hide, and compiles the wasm encoder off the critical path (what is recorded before it is
// ready is kept and encoded by whichever encoder is ready when the batch goes out).
import { onPageHidden } from './export/lifecycle.js';
import { createSession } from './instrument/session.js';
import type { Instrumentation, InstrumentationContext } from './instrument/types.js';
import { browserResource } from './lib/browser-resource.js';
import { guard, warn, W_SECOND_INIT } from './lib/diag.js';
import { whenIdle } from './lib/idle.js';
import { nativeFetch } from './lib/native.js';
import { resolveConfig, type PlumeConfig } from './sdk/config.js';
import { context, ROOT_CONTEXT } from './sdk/context.js';
import { registerGlobals } from './sdk/globals.js';
import { createCore, SDK_VERSION, type Core, type Plume } from './sdk/index.js';
import { getSpan, setSpan } from './sdk/span-context.js';
import type { WasmSource } from './encode/wasm-bridge.js';
import wasmHex from './encode/wasm-inline.js';
import { fromHex } from './lib/hex.js';
import { encoderLoader, type EncoderLoader } from './encode/loader.js';
import { loadPropagationCheck, loadSelfCheck, loadTwin } from './lib/chunks.js';
import { isSameOrigin, toUrl } from './lib/url.js';

let instance: (Plume & { core: Core }) | undefined;

/**
 * Whether an earlier page of this origin may have run here: this tab's history holds another
 * entry of the origin (the Navigation API lists only those; without it, any earlier entry
 * counts), the referrer is of the origin (a link opened in a new tab), or this is a reload.
 * Reading these costs nothing, unlike a look into storage.
 */
function earlierPageLikely(): boolean {
  try {
    const nav = (globalThis as { navigation?: { entries?: () => unknown[] } }).navigation;
    if (typeof nav?.entries === 'function' ? nav.entries().length > 1 : history.length > 1) return true;
    const from = document.referrer ? toUrl(document.referrer) : undefined;
    if (from && isSameOrigin(from)) return true;
    return (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.type === 'reload';
  } catch {
    return false;
  }
}

/** config.wasm (a URL to fetch, bytes or a Module), else the module inlined in the bundle. */
function wasmSource(src: PlumeConfig['wasm']): WasmSource | (() => BufferSource) {
  if (typeof src === 'string') return new URL(src, location.href);
  return src ?? (() => fromHex(wasmHex));
}

/**
 * Starts Plume in this page with these instrumentations (each skipped when its name is set to
 * false in config.instrumentations). A second call returns the first instance (PLUME_W004).
 */
export function start(config: PlumeConfig, instrumentations: Instrumentation[]): Plume {
  if (instance) {
    warn(W_SECOND_INIT, 'init() was called again: the first instance is returned and the new config ignored');
    return instance;
  }
  const resolved = resolveConfig(config, typeof location === 'object' ? location.href : undefined, { serviceName: 'unknown_service:browser' });
  // The semantic conventions' session events, by the tab that starts a session: session.end of
  // the one it follows (at the time that one ended), then session.start.
  const sessionEvent = (eventName: string, s: { id: string; at: number; previousId?: string }) =>
    core.getLogger('plume.session', SDK_VERSION).emit({
      eventName, severityNumber: 9, timestamp: s.at, context: ROOT_CONTEXT,
      attributes: s.previousId ? { 'session.id': s.id, 'session.previous_id': s.previousId } : { 'session.id': s.id },
    });
  const session = createSession({
    ...resolved.session, sampleRate: resolved.sampleRate,
    onStart: (started, ended) => guard(() => {
      if (ended) sessionEvent('session.end', ended);
      sessionEvent('session.start', started);
    }),
  });
  let sessionKnown = false;
  let encoder!: EncoderLoader;
  const core = createCore(resolved, {
    detectedResource: browserResource,
    sampleRoot: () => session.sampled(),
    // Known once the first span or log needs it and the main thread is idle (or sooner, when
    // a burst or a hidden page makes something go out): the first storage read is a
    // synchronous round trip a loading page should not pay for.
    itemAttributes: { get: () => (sessionKnown ? session.attributes() : undefined), resolve: () => { sessionKnown = true; } },
    encoder: (encoder = encoderLoader({
      mode: resolved.encoder,
      wasm: wasmSource(resolved.wasm),
      // Nothing wasm happens while the page loads: compiled once it has (see afterLoad).
      lazy: true,
      twin: loadTwin,
    })),
  });

  const ictx: InstrumentationContext = {
    core,
    config: resolved,
    parentContext() {
      const active = context.active();
      // An open route change lends its span, not its whole context: the caller's baggage stays.
      const span = getSpan(active) ? undefined : getSpan(ictx.ambient?.() ?? active);
      return span ? setSpan(active, span) : active;
    },
    requestStarted: () => () => {},
  };
  const uninstall: (() => void)[] = [];
  for (const ins of instrumentations) {
    if (resolved.instrumentations[ins.name as keyof typeof resolved.instrumentations] === false) continue;
    const off = guard(() => ins.install(ictx));
    if (off) uninstall.push(off);
  }
  uninstall.push(onPageHidden(() => core.flushUnloading()));
  const replay = () => guard(() => void core.replay());
  if (typeof document === 'object') {
    const shown = () => {
      if (document.visibilityState !== 'visible') return;
      session.refresh();
      replay();
    };
    // Back from the bfcache: what was persisted on the way out can go now.
    const restored = (e: Event) => { if ((e as PageTransitionEvent).persisted) replay(); };
    document.addEventListener('visibilitychange', shown);
    addEventListener('pageshow', restored);
    uninstall.push(() => { document.removeEventListener('visibilitychange', shown); removeEventListener('pageshow', restored); });
  }
  // After load, when the main thread is idle, the wasm is compiled (off the main thread): a
  // page left right after loading would otherwise compile it synchronously on its way out,
  // and a CI run saw Firefox leave without an encoder there (encoder_not_ready drops). The
  // session read waits for the first item recorded (then for an idle moment).
  // What an earlier page persisted is late already: it goes now too, not with the first export
  // (a reader who leaves within scheduledDelayMillis would take it back into storage). Looking
  // is a storage read, a synchronous round trip on a cold page, so it is done only where an
  // earlier page of ours is likely; elsewhere (a tab's first page) the first export looks.
  const idle = (fn: () => void) => whenIdle(fn, 3000, 100);
  const afterLoad = () => {
    void encoder.ready().catch(() => undefined);
    if (typeof document === 'object' && earlierPageLikely()) replay();
  };
  if (typeof document !== 'object' || document.readyState === 'complete') idle(afterLoad);
  else addEventListener('load', () => idle(afterLoad), { once: true });

  // debug: each other origin that gets trace headers is checked once (its CORS must allow them).
  const propagationChecks: Record<string, Promise<unknown>> = {};
  if (resolved.debug) {
    ictx.checkPropagation = (url) => guard(() => {
      const origin = new URL(url).origin;
      propagationChecks[origin] ??= new Promise((resolve) => idle(() => resolve(
        loadPropagationCheck().then((m) => m.checkPropagation(url, nativeFetch, warn)).catch(() => undefined))));
    });
  }
  // debug: look at the collector once, and say exactly what is wrong with its answers.
  let collectorCheck: Promise<unknown> | undefined;
  if (resolved.debug && resolved.endpoint && typeof resolved.transport !== 'function') {
    collectorCheck = new Promise((resolve) => idle(() => resolve(loadSelfCheck().then((m) => m.checkCollector(resolved.endpoint, nativeFetch, warn)).catch(() => undefined))));
  }

  const plume: Plume & { core: Core } = {
    tracer: core.tracer, meter: core.meter, logger: core.logger,
    getTracer: core.getTracer, getMeter: core.getMeter, getLogger: core.getLogger,
    tracerProvider: core.tracerProvider, meterProvider: core.meterProvider, loggerProvider: core.loggerProvider,
    context: core.context, propagation: core.propagation,
    get encoder() { return core.encoder; },
    flush: () => core.flush(),
    async shutdown() {
      for (const off of uninstall.splice(0)) guard(off);
      await core.shutdown();
    },
    core,
  };
  if (ictx.recordError) (plume as unknown as { recordError: typeof ictx.recordError }).recordError = ictx.recordError;
  // debug only: the collector check's result ({ ok, problems }), for tests and curious pages;
  // and the propagation checks' by origin ({ origin, ok, missing }; undefined: not checkable).
  if (collectorCheck) (plume as unknown as { collectorCheck: Promise<unknown> }).collectorCheck = collectorCheck;
  if (resolved.debug) (plume as unknown as { propagationChecks: typeof propagationChecks }).propagationChecks = propagationChecks;
  // @opentelemetry/api and api-logs reach this instance from now on (sdk/globals.ts).
  if (resolved.registerGlobals) registerGlobals(core);
  instance = plume;
  return plume;
}
