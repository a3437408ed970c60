// Context: an immutable map carried through calls, as in the OTel API. The default manager
// is a synchronous stack (zone-free); plume/zone swaps in one built on zone.js.

export interface Context {
  getValue(key: symbol): unknown;
  setValue(key: symbol, value: unknown): Context;
  deleteValue(key: symbol): Context;
}

class MapContext implements Context {
  constructor(private readonly values: Map<symbol, unknown> = new Map()) {}
  getValue(key: symbol): unknown { return this.values.get(key); }
  setValue(key: symbol, value: unknown): Context {
    const next = new Map(this.values);
    next.set(key, value);
    return new MapContext(next);
  }
  deleteValue(key: symbol): Context {
    const next = new Map(this.values);
    next.delete(key);
    return new MapContext(next);
  }
}

export const ROOT_CONTEXT: Context = new MapContext();

export interface ContextManager {
  active(): Context;
  with<A extends unknown[], R>(ctx: Context, fn: (...args: A) => R, thisArg?: unknown, ...args: A): R;
  bind<T>(ctx: Context, target: T): T;
}

/** Zone-free: the active context is whatever the innermost with() set, for its synchronous extent. */
export class StackContextManager implements ContextManager {
  protected current: Context | undefined;
  active(): Context { return this.current ?? ROOT_CONTEXT; }
  with<A extends unknown[], R>(ctx: Context, fn: (...args: A) => R, thisArg?: unknown, ...args: A): R {
    const prev = this.current;
    this.current = ctx;
    try {
      return fn.apply(thisArg, args);
    } finally {
      this.current = prev;
    }
  }
  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const manager = this;
    return function (this: unknown, ...args: unknown[]) {
      return manager.with(ctx, target as (...a: unknown[]) => unknown, this, ...args);
    } as T;
  }
}

let manager: ContextManager = new StackContextManager();

export const setContextManager = (m: ContextManager): void => { manager = m; };
export const getContextManager = (): ContextManager => manager;

/** The OTel API's `context` object. */
export const context = {
  active: (): Context => manager.active(),
  with: <A extends unknown[], R>(ctx: Context, fn: (...args: A) => R, thisArg?: unknown, ...args: A): R =>
    manager.with(ctx, fn, thisArg, ...args),
  bind: <T>(ctx: Context, target: T): T => manager.bind(ctx, target),
};
