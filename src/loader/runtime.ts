// What plume.iife.js does when it arrives: take over from the snippet (its listeners, its
// queue), find the config (a queued init call, window.plumeConfig, or data- attributes on
// its own <script>), start the SDK, replay the queue in order with the original times, and
// turn window.plume into the live API.
import { init, type Plume, type PlumeConfig } from '../browser.js';
import { guard, warnOnce, W_CALLBACK } from '../lib/diag.js';
import { errorText } from '../lib/safe.js';
import type { Core } from '../sdk/index.js';
import type { LogRecord } from '../sdk/otel-api.js';

type Call = [number, ArrayLike<unknown>];
/** The snippet's window.plume: the queue, its listeners' remover, and early errors it could not hold (d). */
interface Stub { (...args: unknown[]): void; q?: Call[]; off?: () => void; onReady?: (f: (p: Plume) => void) => void; d?: number }

// Read now: document.currentScript is only set while this script first runs.
const script = typeof document === 'object' ? (document.currentScript as HTMLScriptElement | null) : null;

const NUMBER_KEYS = ['sampleRate'];
const BOOLEAN_KEYS = ['debug', 'gzip'];

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

export function takeOver(name = 'plume'): Plume | undefined {
  const w = window as unknown as Record<string, unknown>;
  const stub = (typeof w[name] === 'function' ? w[name] : undefined) as Stub | undefined;
  const queue: Call[] = stub?.q ?? [];
  guard(() => stub?.off?.());
  let config: PlumeConfig | undefined;
  for (const [, args] of queue) if (args[0] === 'init') config = args[1] as PlumeConfig;
  config ??= (w.plumeConfig as PlumeConfig | undefined) ?? configFromDataset(script);
  if (!config) {
    console.warn("[plume] PLUME_W002 no config: call plume('init', {...}) or set window.plumeConfig or data-endpoint");
    return undefined;
  }
  const plume = init(config);
  const recordError = (plume as Plume & { recordError?: (e: unknown, t?: number) => void }).recordError;

  const call = (method: unknown, args: unknown[], time?: number): void => guard(() => {
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
  });
  // Early errors past what the snippet holds: counted, as every drop is.
  if (stub?.d) (plume as Plume & { core?: Core }).core?.exporter.countDrop('logs', 'queue_full', stub.d);
  for (const [time, args] of queue) {
    const [method, ...rest] = Array.from(args);
    if (method !== 'init') call(method, rest, time);
  }
  const live = Object.assign((method: unknown, ...args: unknown[]) => call(method, args), plume, {
    onReady: (f: (p: Plume) => void) => call('onReady', [f]),
  });
  // A getter stays one: Object.assign copied the value it had now ('none').
  Object.defineProperty(live, 'encoder', { get: () => plume.encoder, enumerable: true });
  w[name] = live;
  return plume;
}
