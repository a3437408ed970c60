// What the app does with the library of library.ts, the same in node (library.test.ts) and in
// the browsers (test/browser/otel-api.spec.ts): its own span around the library's work with
// baggage set through the API, Plume's span inside the library's, a remote parent extracted
// through the API, a failure logged with api-logs' exception field. Returns the ids to check.
import type { Plume } from '../../src/sdk/index.js';
import * as lib from './library.js';

export const REMOTE_TRACE = '0af7651916cd43dd8448eb211c80319c';
export const REMOTE_SPAN = 'b7ad6b7169203331';

export interface Ids { traceId: string; spanId: string }
export interface ScenarioResult {
  app: Ids;
  outer: Ids;
  served: Ids;
  /** What the API's propagation injected inside the library's span. */
  headers: Record<string, string>;
  /** trace.getActiveSpan() inside plume.tracer.startActiveSpan was Plume's span. */
  sawPlumeSpan: boolean;
}

const ids = (sc: Ids): Ids => ({ traceId: sc.traceId, spanId: sc.spanId });

export async function scenario(plume: Plume): Promise<ScenarioResult> {
  let app!: Ids;
  let headers: Record<string, string> = {};
  let sawPlumeSpan = false;
  plume.tracer.startActiveSpan('app.click', (span) => {
    app = ids(span.spanContext());
    sawPlumeSpan = lib.activeSpan() === span;
    headers = lib.withTier('gold', () => lib.checkout(2));
    span.end();
  });
  const { span } = lib.around(() => plume.tracer.startSpan('app.inside').end());
  const served = lib.serve({ traceparent: `00-${REMOTE_TRACE}-${REMOTE_SPAN}-01`, tracestate: 'acme=1,other=x' }).spanContext();
  lib.fail(new TypeError('out of stock'));
  await plume.flush();
  return { app, outer: ids(span.spanContext()), served: ids(served), headers, sawPlumeSpan };
}
