// Context: an immutable map carried through calls, as in the OTel API. The default manager
// is a synchronous stack (zone-free); plume/zone swaps in one built on zone.js, the edge one
// on AsyncLocalStorage. Any object with the API's Context methods is a context here (the
// API's ROOT_CONTEXT, another SDK's): Plume only calls getValue/setValue/deleteValue on them.
import type { Context } from './otel-api.js';

export type { Context } from './otel-api.js';

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

/** What Plume needs of a context manager (the API's has enable/disable too; see globals.ts). */
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
    // The API's managers throw here; a caller's mistake is not ours to throw back.
    if (typeof fn !== 'function') return undefined as R;
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

/** The OTel API's `context` object (its ContextAPI's active, with and bind). */
export interface ContextAPI {
  active(): Context;
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F>;
  bind<T>(context: Context, target: T): T;
}

export const context: ContextAPI = {
  active: (): Context => manager.active(),
  with: (ctx, fn, thisArg, ...args) => manager.with(ctx, fn, thisArg, ...args),
  bind: (ctx, target) => manager.bind(ctx, target),
};
