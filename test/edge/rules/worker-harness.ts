// An instrumented module worker with a function transport; decodes what was sent.
import { instrument } from '../../../src/edge/index.js';
import { decodeToJson } from '../../helpers/otlp-schema.js';

export const ctx = () => {
  const waits: Promise<unknown>[] = [];
  return { waits, waitUntil: (p: Promise<unknown>) => { waits.push(p); } };
};

export function worker(fetch: (request: Request, env: unknown, c: unknown) => Response | Promise<Response>, extra: Record<string, unknown> = {}) {
  const sent: { signal: string; body: Uint8Array }[] = [];
  const w = instrument({ fetch }, {
    endpoint: 'https://collector.example', serviceName: 'api',
    transport: (body: Uint8Array, signal: string) => { sent.push({ signal, body: body.slice() }); },
    ...extra,
  } as never);
  const spans = () => sent.filter((s) => s.signal === 'traces').flatMap((s) => {
    const j = decodeToJson('traces', s.body) as any;
    return (j.resourceSpans ?? []).flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans));
  });
  const metrics = () => sent.filter((s) => s.signal === 'metrics').flatMap((s) => {
    const j = decodeToJson('metrics', s.body) as any;
    return (j.resourceMetrics ?? []).flatMap((rm: any) => rm.scopeMetrics.flatMap((sm: any) => sm.metrics));
  });
  const call = async (req: Request) => {
    const c = ctx();
    let res: Response | undefined; let err: unknown;
    try { res = await w.fetch!(req, {}, c as never); } catch (e) { err = e; }
    await Promise.all(c.waits);
    return { res, err };
  };
  return { w, sent, spans, metrics, call };
}

export const attrs = (span: any): Record<string, unknown> =>
  Object.fromEntries((span.attributes ?? []).map((kv: any) => [kv.key, Object.values(kv.value ?? {})[0]]));
