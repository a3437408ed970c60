// plume: the browser SDK with every instrumentation (fetch, XHR, navigation, errors, Web
// Vitals). For a smaller bundle, plume/custom takes only the instrumentations you import.
import { start } from './browser-core.js';
import { errorsInstrumentation } from './instrument/errors.js';
import { fetchInstrumentation } from './instrument/fetch.js';
import { navigationInstrumentation } from './instrument/navigation.js';
import { webVitalsInstrumentation } from './instrument/web-vitals/index.js';
import { xhrInstrumentation } from './instrument/xhr.js';
import type { PlumeConfig } from './sdk/config.js';
import type { Plume } from './sdk/index.js';

export * from './sdk/public.js';

/** Starts Plume in this page with every instrumentation on (each can be turned off in config). */
export function init(config: PlumeConfig): Plume {
  return start(config, [
    fetchInstrumentation(), xhrInstrumentation(), navigationInstrumentation(), errorsInstrumentation(), webVitalsInstrumentation(),
  ]);
}
