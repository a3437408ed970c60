// Traceparent parsing compared with @opentelemetry/core (should pass).
import { describe, expect, it } from 'vitest';
import { parseTraceParent } from '@opentelemetry/core';
import { parseTraceparent } from '../../../src/sdk/propagation.js';

const T = '0af7651916cd43dd8448eb211c80319c', S = 'b7ad6b7169203331';
const cases = [
  `00-${T}-${S}-01`, `00-${T}-${S}-00`, `00-${T}-${S}-ff`, `ff-${T}-${S}-01`, `01-${T}-${S}-01`,
  `cc-${T}-${S}-01-what-the-future-holds`, `00-${T}-${S}-01-extra`, `cc-${T}-${S}-01extra`,
  `00-${T.toUpperCase()}-${S}-01`, `00-${'0'.repeat(32)}-${S}-01`, `00-${T}-${'0'.repeat(16)}-01`,
  `00-${T}-${S}-1`, `0-${T}-${S}-01`, ` 00-${T}-${S}-01 `, `00-${T}-${S}-0g`, `00_${T}-${S}-01`,
  `00-${T.slice(1)}-${S}-01`, `cc-${T}-${S}-01-`, `00-${T}-${S}-01,00-${T}-${S}-01`,
];

describe('traceparent vs OTel core', () => {
  it.each(cases)('%s', (tp) => {
    const o = parseTraceParent(tp);
    const p = parseTraceparent(tp);
    expect(p ? { traceId: p.traceId, spanId: p.spanId, traceFlags: p.traceFlags } : null).toEqual(o);
  });
});
