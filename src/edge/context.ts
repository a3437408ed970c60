// Context on the edge. Where the runtime has AsyncLocalStorage (Deno, Vercel's edge runtime,
// workerd with nodejs_compat or nodejs_als) the active context follows every await, timer and
// promise callback. workerd without those flags has nothing of the kind, so there the context
// is the synchronous stack plus one inference: when exactly one request is in flight in this
// isolate, anything that runs outside an explicit with() belongs to it. With two or more in
// flight that guess could pick the wrong request, so it is not made: spans started then are
// roots unless their context is passed explicitly (requestContext(request)).
import { ROOT_CONTEXT, StackContextManager, type Context, type ContextManager } from '../sdk/context.js';

interface AsyncLocalStorageLike<T> {
  getStore(): T | undefined;
  run<R>(store: T, fn: (...args: unknown[]) => R, ...args: unknown[]): R;
}
type AsyncLocalStorageClass = new <T>() => AsyncLocalStorageLike<T>;

const alsFrom = (m: unknown): AsyncLocalStorageClass | undefined => {
  const c = (m as { AsyncLocalStorage?: unknown } | undefined)?.AsyncLocalStorage;
  return typeof c === 'function' ? (c as AsyncLocalStorageClass) : undefined;
};

/** AsyncLocalStorage when the runtime offers it without a bundler's help, else undefined. */
export async function findAsyncLocalStorage(): Promise<AsyncLocalStorageClass | undefined> {
  const g = globalThis as { AsyncLocalStorage?: unknown; process?: { getBuiltinModule?: (id: string) => unknown } };
  // Vercel's edge runtime (and Next.js middleware) put it on the global.
  const global = alsFrom(g);
  if (global) return global;
  // Deno, and workerd with nodejs_compat: synchronous and invisible to bundlers.
  try {
    const builtin = alsFrom(g.process?.getBuiltinModule?.('node:async_hooks'));
    if (builtin) return builtin;
  } catch { /* not a built-in here */ }
  // workerd with only nodejs_als has the module but no `process`. The specifier is built at
  // run time so that bundlers (esbuild, wrangler, webpack) neither fail on nor pull in
  // node:async_hooks; runtimes without it reject, which is the answer we want.
  try {
    const id = ['node', 'async_hooks'].join(':');
    return alsFrom(await import(/* @vite-ignore */ /* webpackIgnore: true */ id));
  } catch {
    return undefined;
  }
}

function bindWith<T>(manager: ContextManager, ctx: Context, target: T): T {
  if (typeof target !== 'function') return target;
  return function (this: unknown, ...args: unknown[]) {
    return manager.with(ctx, target as (...a: unknown[]) => unknown, this, ...args);
  } as T;
}

/** The OTel ContextManager over AsyncLocalStorage: what with() sets survives awaits. */
export class AsyncLocalStorageContextManager implements ContextManager {
  private readonly als: AsyncLocalStorageLike<Context>;
  constructor(Als: AsyncLocalStorageClass) { this.als = new Als<Context>(); }
  active(): Context { return this.als.getStore() ?? ROOT_CONTEXT; }
  with<A extends unknown[], R>(ctx: Context, fn: (...args: A) => R, thisArg?: unknown, ...args: A): R {
    return this.als.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(ctx: Context, target: T): T { return bindWith(this, ctx, target); }
}

/**
 * Without AsyncLocalStorage: with() holds for its synchronous extent (as in browsers), and
 * outside any with() the only request in flight, if there is exactly one, is the context.
 */
export class RequestContextManager extends StackContextManager {
  constructor(private readonly ambient: () => Context | undefined) { super(); }
  override active(): Context { return this.current ?? this.ambient() ?? ROOT_CONTEXT; }
}
