// In the browser, items finished before the session is known wait (exporter.waits);
// a log whose body makes writeLog throw then loses every item queued after it.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/sdk/config.js';
import { createCore } from '../../../src/sdk/index.js';
import { encoderLoader } from '../../../src/encode/loader.js';
import { encodeRecords } from '../../../src/encode/twin.js';
import { traceIdRatio } from '../../../src/sdk/sampler.js';
import { decodeToJson } from '../../helpers/otlp-schema.js';

describe('a bad log body while items wait for the session', () => {
  it('does not lose the spans that finished after it', async () => {
    const sent: any[] = [];
    const config = resolveConfig({ transport: (b: Uint8Array, s: any) => { sent.push({ s, json: decodeToJson(s, b) }); } }, undefined);
    let known = false;
    const itemAttributes = { get: () => (known ? { 'session.id': 's1' } : undefined), resolve: () => { known = true; } };
    const core = createCore(config, { detectedResource: {}, sampleRoot: traceIdRatio(1), itemAttributes, encoder: encoderLoader({ mode: 'js', twin: () => encodeRecords }) });
    core.logger.emit({ body: { when: new Date('tomorrow') } }); // waits: does not throw here
    for (let k = 0; k < 3; k++) core.tracer.startSpan(`s${k}`).end();
    await core.flush();
    const spans = sent.filter((x) => x.s === 'traces').flatMap((x) => x.json.resourceSpans[0].scopeSpans[0].spans);
    const dropped = sent.filter((x) => x.s === 'metrics').flatMap((x) => x.json.resourceMetrics[0].scopeMetrics.flatMap((m: any) => m.metrics)).filter((m: any) => m.name === 'plume.exporter.dropped');
    expect({ spans: spans.length, dropped: dropped.length }).toEqual({ spans: 3, dropped: 0 });
  });
});
