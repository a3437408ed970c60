// Plume as the global SDK of @opentelemetry/api 1.x and @opentelemetry/api-logs, without
// importing either (their code stays out of Plume's bundle; a page that uses the API has it
// in its own). Each copy of the API, however many a page has and whenever they load, finds
// the global SDK in one registry object on globalThis, and so does api-logs in its own slot:
//
// - `globalThis[Symbol.for('opentelemetry.js.api.1')]` is `{ version, trace, context,
//   propagation, metrics, logs, diag }`. A copy of the API reads it only if `version` has the
//   same major and a minor at least its own (its getGlobal / isCompatible), and registers
//   into it (setGlobalTracerProvider, diag.setLogger, ...) only if `version` is exactly its
//   own and the slot is free. So the version written decides who sees Plume: 1.10.0, the
//   version whose interfaces Plume implements, is seen by every 1.x copy up to 1.10 (1.9, the
//   most common, included). A later 1.11 copy would not read it, rightly: it may call what
//   1.10 did not have. The cost: a copy of another version cannot register into a registry
//   Plume created (its diag.setLogger then returns false).
// - A registry some copy made before (it registered its diag logger, say) keeps its version:
//   Plume only fills the free slots of it.
// - `globalThis[Symbol.for('io.opentelemetry.js.api.logs')]` is api-logs' getter of the
//   logger provider: `(compatibilityVersion) => provider` for version 1, a no-op otherwise.
//
// A slot that is already taken belongs to another SDK: it is left alone, and said once
// (PLUME_W017); Plume's own API works regardless. A context manager already registered is
// used as Plume's own, so that there is still one context. Tracers, meters and loggers an API
// copy handed out before registration stay that copy's no-ops (the API's rule for every SDK):
// init() comes before code that takes them.
import { warn, W_GLOBALS } from '../lib/diag.js';
import { context, setContextManager, type ContextManager } from './context.js';
import type { ContextManager as ApiContextManager, LoggerProvider, MeterProvider, TracerProvider } from './otel-api.js';
import { propagation } from './propagation.js';

const API_KEY = Symbol.for('opentelemetry.js.api.1');
const LOGS_KEY = Symbol.for('io.opentelemetry.js.api.logs');
export const API_VERSION = '1.10.0';

export interface GlobalProviders { tracerProvider: TracerProvider; meterProvider: MeterProvider; loggerProvider: LoggerProvider }

type Registry = Record<string, unknown> & { version?: unknown };

const noopLogger = { emit() {}, enabled: () => false };
const noopLoggerProvider: LoggerProvider = { getLogger: () => noopLogger };

// The API's ContextManager over Plume's (whichever is current: plume/zone may swap it later).
const contextManager: ApiContextManager = {
  active: context.active,
  with: context.with,
  bind: context.bind,
  enable() { return this; },
  disable() { return this; },
};

// The API's TextMapPropagator: W3C traceparent, tracestate and baggage. The API always passes
// its own default getter and setter (plain objects of header values).
const propagator = { inject: propagation.inject, extract: propagation.extract, fields: propagation.fields };

/** Registers Plume in the API's registries (see above). Never throws. */
export function registerGlobals(p: GlobalProviders): void {
  const g = globalThis as unknown as Record<symbol, unknown>;
  const taken: string[] = [];
  try {
    let reg = g[API_KEY] as Registry | undefined;
    if (!reg || typeof reg !== 'object') {
      // As the API (1.10) makes it: the version cannot be changed afterwards.
      reg = Object.defineProperty({}, 'version', { value: API_VERSION, enumerable: true, writable: false, configurable: false });
      g[API_KEY] = reg;
    }
    const slots: [string, unknown][] = [
      ['trace', p.tracerProvider], ['propagation', propagator], ['metrics', p.meterProvider], ['logs', p.loggerProvider],
    ];
    for (const [slot, value] of slots) {
      if (reg[slot] == null) reg[slot] = value;
      else if (reg[slot] !== value) taken.push(slot);
    }
    const cm = reg.context as ContextManager | undefined;
    if (cm == null) reg.context = contextManager;
    else if (cm !== contextManager && typeof cm.active === 'function' && typeof cm.with === 'function') setContextManager(cm);
    if (g[LOGS_KEY] == null) g[LOGS_KEY] = (v: number) => (v === 1 ? p.loggerProvider : noopLoggerProvider);
    else taken.push('api-logs');
  } catch {
    // A registry that refuses to be written (frozen): nothing registered.
    taken.push('all');
  }
  if (taken.length) {
    warn(W_GLOBALS, `another OpenTelemetry SDK is registered with @opentelemetry/api (${taken.join(', ')}): those calls go to it; ` +
      "Plume's own API works as before (registerGlobals: false: Plume does not try)");
  }
}
