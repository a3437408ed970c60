// What plume.iife.js does when it arrives: take over from the snippet (its listeners, its
// queue), find the config (a queued init call, window.plumeConfig, or data- attributes on
// its own <script>), start the SDK, replay the queue in order with the original times, and
// turn window.plume into the live API.
//
// Without a config yet it waits: window.plume.init(config) (or plume('init', config)) starts
// it whenever it comes, after a consent banner say. Until then calls are queued (and the
// snippet, if there is one, keeps holding early errors). Nothing here throws into the page:
// a config init() refuses is said with PLUME_W002, and a later good one still starts.
import { init, type Plume, type PlumeConfig } from '../browser.js';
import { guard, warn, warnOnce, W_CALLBACK, W_WRONG_TYPE } from '../lib/diag.js';
import { errorText } from '../lib/safe.js';
import type { Core } from '../sdk/index.js';
import type { LogRecord } from '../sdk/otel-api.js';

type Call = [number, ArrayLike<unknown>];
/**
 * The snippet's window.plume: the queue, its listeners' remover, what it could not hold (d),
 * and w, set here while waiting for init: every call to the snippet's function runs it.
 */
interface Stub { (...args: unknown[]): unknown; q?: Call[]; off?: () => void; d?: number; w?: () => unknown }
/** window.plume once the SDK runs: the Plume object, callable as plume('emit', {...}), with onReady and init. */
export type LivePlume = Plume & ((method: unknown, ...args: unknown[]) => unknown) & {
  onReady(f: (p: Plume) => void): void;
  init(config: PlumeConfig): LivePlume | undefined;
};

// Read now: document.currentScript is only set while this script first runs.
const script = typeof document === 'object' ? (document.currentScript as HTMLScriptElement | null) : null;

const NUMBER_KEYS = ['sampleRate'];
const BOOLEAN_KEYS = ['debug', 'gzip'];
// Calls held before init on a page without the snippet: as many as the snippet holds (see
// snippet.js), init always; past that an emit is only counted.
const MAX_HELD = 1000;

/** data-endpoint, data-service-name, data-sample-rate, data-debug, … as a config object. */
export function configFromDataset(el: HTMLElement | null): PlumeConfig | undefined {
  if (!el || !el.dataset || !el.dataset.endpoint) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(el.dataset)) {
    if (v === undefined) continue;
    out[k] = NUMBER_KEYS.includes(k) ? Number(v) : BOOLEAN_KEYS.includes(k) ? v !== 'false' : v;
  }
  return out as PlumeConfig;
}

/** A queue like the snippet's (without its early-error listeners), for a plain script tag. */
function queueStub(w: Record<string, unknown>, name: string): Stub {
  const q: Call[] = [];
  const p: Stub = function (...args: unknown[]) {
    if (w[name] !== p) return (w[name] as Stub)(...args);
    if (q.length < MAX_HELD || args[0] === 'init') q.push([Date.now(), args]);
    else if (args[0] === 'emit') p.d = (p.d ?? 0) + 1;
    return p.w?.();
  };
  p.q = q;
  Object.assign(p, { onReady: (f: unknown) => void p('onReady', f), init: (c: unknown) => p('init', c) ?? p });
  return p;
}

/**
 * Takes over window[name] (the snippet's queue, or nothing) and starts the SDK if a config is
 * there; otherwise window[name] waits for init. Returns the live API once started.
 */
export function takeOver(name = 'plume'): LivePlume | undefined {
  const w = window as unknown as Record<string, unknown>;
  const found = w[name] as (Stub & { tracer?: unknown }) | undefined;
  // plume.iife.js loaded twice: the first one runs (or waits) already.
  if (typeof found === 'function' && (found.tracer || found.w)) return found.tracer ? found as unknown as LivePlume : undefined;
  const stub = typeof found === 'function' && Array.isArray(found.q) ? found : queueStub(w, name);
  const queue = stub.q!;
  let live: LivePlume | undefined;

  /** Starts with this config; a config init() refuses is said, never thrown. */
  const start = (config: unknown): LivePlume | undefined => {
    if (live) return (init(config as PlumeConfig), live); // the first instance (PLUME_W004)
    let plume: Plume;
    try {
      plume = init(config as PlumeConfig);
    } catch (e) {
      warn(W_WRONG_TYPE, `${(e as Error)?.message ?? e}: Plume is not started; call plume.init() with a valid config`);
      return undefined;
    }
    guard(() => stub.off?.());
    const made = makeLive(plume, stub, start);
    live = made.live;
    // Live before the queue is replayed: a replayed onReady callback may call window.plume.
    w[name] = live;
    made.replay(queue.splice(0));
    return live;
  };

  /** The last init queued, taken out of the queue (a refused one is not tried twice). */
  const queuedInit = (): unknown => {
    let config: unknown;
    for (let k = queue.length - 1; k >= 0; k--) {
      if (queue[k][1][0] !== 'init') continue;
      if (config === undefined) config = queue[k][1][1] ?? null;
      queue.splice(k, 1);
    }
    return config;
  };

  return guard(() => {
    let config = queuedInit();
    if (config === undefined) config = guard(() => (w.plumeConfig as PlumeConfig | undefined) ?? configFromDataset(script));
    if (config !== undefined && start(config)) return live;
    // No config yet (or a refused one): wait. Every later call to window.plume looks for an init.
    stub.w = () => guard(() => { const c = queuedInit(); return c === undefined ? undefined : start(c); });
    w[name] = stub;
    return undefined;
  });
}

function makeLive(plume: Plume, stub: Stub, start: (c: unknown) => LivePlume | undefined): { live: LivePlume; replay(calls: Call[]): void } {
  const recordError = (plume as Plume & { recordError?: (e: unknown, t?: number) => void }).recordError;
  const call = (method: unknown, args: unknown[], time?: number): unknown => guard(() => {
    if (method === 'init') return start(args[0]);
    if (method === 'error') recordError?.(args[0], time);
    else if (method === 'emit') {
      const record = args[0] as LogRecord | undefined;
      plume.logger.emit({ ...record, timestamp: record?.timestamp ?? time });
    }
    else if (method === 'onReady') {
      // The page's callback: its error is said (PLUME_W007), not taken for one of ours.
      try {
        (args[0] as (p: Plume) => void)(plume);
      } catch (e) {
        warnOnce(W_CALLBACK, `onReady callback threw (${errorText(e)}); ignored`);
      }
    }
    else if (method === 'flush') void plume.flush();
    return undefined;
  });
  const live = Object.assign((method: unknown, ...args: unknown[]) => call(method, args), plume, {
    onReady: (f: (p: Plume) => void) => void call('onReady', [f]),
    init: (config: PlumeConfig) => guard(() => start(config)),
  }) as LivePlume;
  // A getter stays one: Object.assign copied the value it had now ('none').
  Object.defineProperty(live, 'encoder', { get: () => plume.encoder, enumerable: true });
  const replay = (calls: Call[]) => {
    // Early errors and emits past what the queue holds: counted, as every drop is.
    if (stub.d) guard(() => (plume as Plume & { core?: Core }).core?.exporter.countDrop('logs', 'queue_full', stub.d!));
    for (const [time, args] of calls) {
      const [method, ...rest] = Array.from(args);
      call(method, rest, time);
    }
  };
  return { live, replay };
}
