// plume/custom: Plume with only the instrumentations you pass, so a bundler leaves the others
// out. init(config, [fetchInstrumentation(), errorsInstrumentation()]).
import { start } from './browser-core.js';
import type { Instrumentation } from './instrument/types.js';
import type { PlumeConfig } from './sdk/config.js';
import type { Plume } from './sdk/index.js';

export { errorsInstrumentation } from './instrument/errors.js';
export { fetchInstrumentation } from './instrument/fetch.js';
export { navigationInstrumentation } from './instrument/navigation.js';
export { webVitalsInstrumentation } from './instrument/web-vitals/index.js';
export { xhrInstrumentation } from './instrument/xhr.js';
export type { Instrumentation, InstrumentationContext } from './instrument/types.js';
export * from './sdk/public.js';

export function init(config: PlumeConfig, instrumentations: Instrumentation[]): Plume {
  return start(config, Array.isArray(instrumentations) ? instrumentations : []);
}
