// The runtime's own fetch and sendBeacon, captured before any instrumentation wraps them:
// our exports go through these, so they are never traced (no feedback loop).
export const nativeFetch: typeof fetch | undefined = typeof fetch === 'function' ? fetch.bind(globalThis) : undefined;
const nav = typeof navigator === 'object' ? navigator : undefined;
export const nativeSendBeacon: ((url: string, data: BodyInit) => boolean) | undefined =
  nav && typeof nav.sendBeacon === 'function' ? nav.sendBeacon.bind(nav) : undefined;
