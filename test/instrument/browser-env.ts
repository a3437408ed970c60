// a minimal browser-like global environment for node (window events, document,
// location, PerformanceObserver with entries pushed by the test, rAF).
import { vi } from 'vitest';

type Entry = Record<string, unknown> & { entryType: string; name?: string; startTime: number; duration?: number };

export class FakePO {
  static supportedEntryTypes: string[] = ['navigation', 'paint', 'largest-contentful-paint', 'layout-shift', 'event', 'first-input'];
  static all: FakePO[] = [];
  types: string[] = [];
  opts: any[] = [];
  connected = true;
  constructor(private cb: (list: { getEntries(): Entry[] }) => void) { FakePO.all.push(this); }
  observe(o: { type: string }) { this.types.push(o.type); this.opts.push(o); }
  disconnect() { this.connected = false; }
  takeRecords() { return []; }
  deliver(entries: Entry[]) { if (this.connected) this.cb({ getEntries: () => entries }); }
}
/** Delivers entries of one type to every observer of that type. */
export const emit = (type: string, entries: Entry[]) => {
  for (const o of FakePO.all) if (o.types.includes(type)) o.deliver(entries.map((e) => ({ entryType: type, duration: 0, ...e })));
};

export function setupEnv(opts: { visibility?: 'visible' | 'hidden'; readyState?: string; prerendering?: boolean; nav?: Record<string, unknown> | null; path?: string } = {}) {
  const win = new EventTarget();
  const docTarget = new EventTarget();
  const g = globalThis as any;
  g.window = g;
  g.addEventListener = win.addEventListener.bind(win);
  g.removeEventListener = win.removeEventListener.bind(win);
  g.dispatchEvent = win.dispatchEvent.bind(win);
  const doc: any = {
    visibilityState: opts.visibility ?? 'visible',
    readyState: opts.readyState ?? 'complete',
    prerendering: opts.prerendering ?? false,
    querySelector: () => null,
    addEventListener: docTarget.addEventListener.bind(docTarget),
    removeEventListener: docTarget.removeEventListener.bind(docTarget),
    dispatchEvent: docTarget.dispatchEvent.bind(docTarget),
  };
  g.document = doc;
  const path = opts.path ?? '/a';
  g.location = { href: `https://shop.example${path}`, pathname: path, origin: 'https://shop.example' };
  g.requestAnimationFrame = (f: (t: number) => void) => setTimeout(() => f(performance.now()), 1);
  FakePO.all = [];
  g.PerformanceObserver = FakePO;
  const nav = opts.nav === null ? undefined : { entryType: 'navigation', name: g.location.href, startTime: 0, type: 'navigate', responseStart: 5, activationStart: 0, ...(opts.nav ?? {}) };
  vi.spyOn(performance, 'getEntriesByType').mockImplementation(((t: string) => (t === 'navigation' && nav ? [nav] : [])) as any);
  const setPath = (p: string) => { g.location.pathname = p; g.location.href = `https://shop.example${p}`; };
  /** The page becomes hidden as a tab switch or close does: visibilitychange (dispatched on document, seen by window capture listeners too), optionally pagehide. */
  const fire = (type: string, init: Record<string, unknown> = {}) => {
    const e = new Event(type);
    for (const [k, v] of Object.entries(init)) Object.defineProperty(e, k, { value: v });
    // visibilitychange is fired at document and bubbles to window: both kinds of listeners see it.
    if (type === 'visibilitychange') { win.dispatchEvent(e); docTarget.dispatchEvent(new Event(type)); } else win.dispatchEvent(e);
  };
  const setVisibility = (v: 'visible' | 'hidden') => { doc.visibilityState = v; fire('visibilitychange'); };
  return { win, doc, nav, setPath, fire, setVisibility };
}

/** An InstrumentationContext whose core records histogram values and log records (events) when "exported". */
export function fakeCtx() {
  const deferred: (() => void)[] = [];
  const recorded: { name: string; value: number; attributes: Record<string, unknown> }[] = [];
  const events: { eventName?: string; timestamp?: unknown; attributes?: Record<string, unknown> }[] = [];
  let flushes = 0;
  const ctx: any = {
    config: { redactQueryParams: [], instrumentations: {} },
    core: {
      getMeter: () => ({ createHistogram: (name: string) => ({ record: (value: number, attributes: Record<string, unknown>) => recorded.push({ name, value, attributes }) }) }),
      getLogger: () => ({ emit: (r: (typeof events)[number]) => events.push(r) }),
      exporter: { atExport: (fn: () => void) => deferred.push(fn) },
      flushUnloading: () => { flushes++; for (const f of deferred.splice(0)) f(); },
    },
    parentContext: () => undefined,
    requestStarted: () => () => {},
  };
  const collect = (name?: string) => { for (const f of deferred.splice(0)) f(); return recorded.filter((r) => !name || r.name === `browser.web_vital.${name}`); };
  return { ctx, collect, recorded, events, flushes: () => flushes };
}

export const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
