// The runtime's own fetch and sendBeacon, captured before any instrumentation wraps them:
// our exports go through these, so they are never traced (no feedback loop).
export const nativeFetch: typeof fetch | undefined = typeof fetch === 'function' ? fetch.bind(globalThis) : undefined;
const nav = typeof navigator === 'object' ? navigator : undefined;
export const nativeSendBeacon: ((url: string, data: BodyInit) => boolean) | undefined =
  nav && typeof nav.sendBeacon === 'function' ? nav.sendBeacon.bind(nav) : undefined;

/**
 * Makes a wrapper print as the function it wraps: pages and other SDKs tell a native fetch
 * from a polyfill by `fetch.toString()` (Sentry's supportsNativeFetch, for one, then loads a
 * fresh fetch from an iframe). An own, non-enumerable property, as Sentry's wrappers have,
 * rather than a patched Function.prototype.toString, which would touch every function.
 */
export function printsAs<T extends object>(wrapper: T, original: object): T {
  Object.defineProperty(wrapper, 'toString', { configurable: true, writable: true, value: { toString: () => String(original) }.toString });
  return wrapper;
}
