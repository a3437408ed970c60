// A recording OTLP/HTTP collector on the page's own origin (handlers for startStaticServer):
// it keeps the raw requests, and delivered() decodes them with @bufbuild/protobuf over the
// official protos. No CORS, no store: what the page sent.
import type { Handler } from '../helpers/static-server.js';
import type { Signal } from '../helpers/otlp-schema.js';
import { itemsOf } from '../helpers/otlp-items.js';

export { attr } from '../helpers/otlp-items.js';

export function recordingCollector(base = '/otlp') {
  let bodies: { signal: Signal; body: Buffer }[] = [];
  const otlp = (signal: Signal): Handler => (_req, res, body) => {
    bodies.push({ signal, body });
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  };
  const handlers: Record<string, Handler> = {
    [`${base}/v1/traces`]: otlp('traces'), [`${base}/v1/metrics`]: otlp('metrics'), [`${base}/v1/logs`]: otlp('logs'),
  };
  /** Every span, log record and metric received so far, each with its scope and hex ids. */
  const delivered = () => itemsOf(bodies);
  return { handlers, delivered, reset: () => { bodies = []; } };
}
