// plume/zone: a context manager on zone.js, for apps that need the active span to follow
// their async work (timers, promise callbacks, event listeners). Angular apps already load
// zone.js: the page's global Zone is reused. Others can let useZone() load it.
//
// The limit: zone.js cannot see native async/await. After `await` in code compiled to
// ES2017+ the continuation runs outside the zone, so the context set around the call is gone
// (Angular's CLI transpiles async/await for this reason). Promise .then() callbacks, timers
// and listeners keep it.
import { ROOT_CONTEXT, setContextManager } from './sdk/context.js';
import type { Context, ContextManager } from './sdk/otel-api.js';

export type { Context, ContextManager } from './sdk/otel-api.js';

interface ZoneLike {
  get(key: string): unknown;
  fork(spec: { name: string; properties: Record<string, unknown> }): ZoneLike;
  run<T>(fn: (...args: unknown[]) => T, applyThis?: unknown, applyArgs?: unknown[]): T;
  wrap<T extends (...args: unknown[]) => unknown>(fn: T, source: string): T;
}
interface ZoneStatic { current: ZoneLike }

const KEY = 'plume.context';
const globalZone = (): ZoneStatic | undefined => (globalThis as { Zone?: ZoneStatic }).Zone;

export class ZoneContextManager implements ContextManager {
  private readonly Zone: ZoneStatic;

  constructor() {
    const Z = globalZone();
    if (!Z || !Z.current) throw new TypeError("plume/zone: zone.js is not loaded; import 'zone.js' first or call useZone()");
    this.Zone = Z;
  }

  active(): Context {
    return (this.Zone.current.get(KEY) as Context | undefined) ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], R>(ctx: Context, fn: (...args: A) => R, thisArg?: unknown, ...args: A): R {
    const zone = this.Zone.current.fork({ name: 'plume', properties: { [KEY]: ctx } });
    return zone.run(fn as (...a: unknown[]) => R, thisArg, args);
  }

  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const zone = this.Zone.current.fork({ name: 'plume', properties: { [KEY]: ctx } });
    return zone.wrap(target as (...a: unknown[]) => unknown, 'plume.bind') as T;
  }

  /** The API's ContextManager has these; zone.js needs no starting or stopping. */
  enable(): this { return this; }
  disable(): this { return this; }
}

/**
 * Makes zone.js carry Plume's context. Uses the page's global Zone when there is one;
 * otherwise loads zone.js first (pass `load: false` to refuse and get the TypeError).
 */
export async function useZone(options: { load?: boolean } = {}): Promise<ZoneContextManager> {
  if (!globalZone() && options.load !== false) await import('zone.js');
  const m = new ZoneContextManager();
  setContextManager(m);
  return m;
}

/** The synchronous variant, for pages that already loaded zone.js. */
export function useGlobalZone(): ZoneContextManager {
  const m = new ZoneContextManager();
  setContextManager(m);
  return m;
}
