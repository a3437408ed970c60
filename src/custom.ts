// plume/custom: Plume with only the instrumentations you pass, so a bundler leaves the others
// out. init(config, [fetchInstrumentation(), errorsInstrumentation()]).
import { start } from './browser-core.js';
import type { Instrumentation } from './instrument/types.js';
import type { PlumeConfig } from './sdk/config.js';
import type { Plume } from './sdk/index.js';

export { errorsInstrumentation } from './instrument/errors.js';
export { fetchInstrumentation } from './instrument/fetch.js';
export { navigationInstrumentation } from './instrument/navigation.js';
export { webVitalsInstrumentation } from './instrument/web-vitals.js';
export { xhrInstrumentation } from './instrument/xhr.js';
export type { Instrumentation, InstrumentationContext } from './instrument/types.js';
export type { PlumeConfig } from './sdk/config.js';
export type { Plume } from './sdk/index.js';
export { SpanKind, SpanStatusCode } from './sdk/span.js';
export { SeverityNumber } from './sdk/logger.js';
export { context, ROOT_CONTEXT } from './sdk/context.js';
export { propagation } from './sdk/propagation.js';
export { getActiveSpan, getSpan, setSpan } from './sdk/span-context.js';

export function init(config: PlumeConfig, instrumentations: Instrumentation[]): Plume {
  return start(config, Array.isArray(instrumentations) ? instrumentations : []);
}
