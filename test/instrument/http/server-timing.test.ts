// serverTimingTraceparent() (lib/url.ts:76) cuts the desc at 55 characters, so a desc that
// is no valid traceparent (version 00 with trailing data, a 3-digit flags field) reaches
// parseTraceparent already truncated and is accepted: the CLIENT span gets a link to a
// trace the server never named. W3C Trace Context: version 00 is exactly 55 characters, an
// invalid value is ignored (parseTraceparent itself rejects the same text given whole).
// Also: a parameter merely ending in "desc" (xdesc=) is read as desc.
import { expect, it } from 'vitest';
import { serverTimingTraceparent } from '../../../src/lib/url.js';
import { parseTraceparent } from '../../../src/sdk/propagation.js';

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

it('accepts the valid forms (checks): several entries, quotes, upper case names', () => {
  expect(serverTimingTraceparent(`cache;desc="hit, warm", db;dur=2, TRACEPARENT;DESC="${TP}"`)).toBe(TP);
  expect(serverTimingTraceparent(`traceparent;dur=0;desc=${TP}, x;dur=1`)).toBe(TP);
  expect(serverTimingTraceparent(`miss, traceparent ; desc = "${TP}"`)).toBe(TP);
});

it('no link from an invalid desc', () => {
  for (const bad of [`${TP}-extra`, `${TP}1`]) {
    expect(parseTraceparent(bad)).toBeUndefined(); // the same value whole: rejected
    expect(parseTraceparent(serverTimingTraceparent(`traceparent;desc="${bad}"`))).toBeUndefined();
  }
  expect(serverTimingTraceparent(`traceparent;xdesc=${TP}`)).toBeUndefined();
});
