// What every instrumentation gets from init(), and what it gives back.
import type { Context } from '../sdk/context.js';
import type { ResolvedConfig } from '../sdk/config.js';
import type { Core } from '../sdk/index.js';

export interface InstrumentationContext {
  core: Core;
  config: ResolvedConfig;
  /** The parent for spans that start now: the active span, else the open route change. */
  parentContext(): Context;
  /** Route-change tracking: a route change ends once the requests it started are done. Returns what to call when the request ends. */
  requestStarted(): () => void;
  /** Set by the navigation instrumentation. */
  ambient?: () => Context | undefined;
  /** Set by web vitals: told of SPA route changes seen by the navigation instrumentation. */
  onRouteChange?: () => void;
  /** Set in debug mode: checks once per origin that its CORS allows the trace headers sent to it. */
  checkPropagation?: (url: string) => void;
  /** Set by the errors instrumentation: records an error captured elsewhere (the snippet's queue). */
  recordError?: (error: unknown, time?: number) => void;
}

export interface Instrumentation {
  name: string;
  /** Installs the instrumentation; returns how to take it out again. */
  install(ctx: InstrumentationContext): (() => void) | void;
}
