// The Web Vitals instrumentation installed in the stub page (browser-env.ts): the page, the
// instrumentation context, and what its histograms recorded.
import { webVitalsInstrumentation } from '../../src/instrument/web-vitals/index.js';
import { fakeCtx, setupEnv } from './browser-env.js';

export function vitalsPage(opts?: Parameters<typeof setupEnv>[0]) {
  const env = setupEnv(opts);
  const page = fakeCtx();
  webVitalsInstrumentation().install(page.ctx);
  return { env, ...page };
}
