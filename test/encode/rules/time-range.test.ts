// Records.setTimeMs (src/encode/records.ts) has no range check: a time in ms whose ns value
// does not fit uint64 (>= year 2554, e.g. a timestamp given in microseconds by mistake) or is
// negative (a pre-1970 Date) is stored modulo 2^64 - a plausible-looking but wrong time.
// README "time inputs": epoch ms, performance.now(), Date, [s, ns]; invalid -> now is used.
import { describe, expect, it } from 'vitest';
import { setup } from './sdk-harness.js';

const NS_MAX = 2n ** 64n - 1n;
const near = (a: bigint, b: bigint) => (a > b ? a - b : b - a) < 60_000_000_000n; // within 60 s

describe('times outside the uint64 nanosecond range', () => {
  for (const mode of ['wasm', 'js'] as const) {
    it(`log timestamp in microseconds is clamped or replaced by now, not wrapped (${mode})`, async () => {
      const { core, logs } = setup(mode);
      const us = Date.now() * 1000;
      core.logger.emit({ body: 'us', timestamp: us });
      core.logger.emit({ body: 'pre-1970', timestamp: new Date(-1000) });
      await core.flush();
      const [a, b] = logs();
      const t = BigInt(a.timeUnixNano), obs = BigInt(a.observedTimeUnixNano);
      expect(t === NS_MAX || near(t, obs), `timeUnixNano ${t} for ${us} ms`).toBe(true);
      const t2 = BigInt(b.timeUnixNano), obs2 = BigInt(b.observedTimeUnixNano);
      expect(t2 === 0n || near(t2, obs2), `timeUnixNano ${t2} for -1000 ms`).toBe(true);
    });

    it(`span.end() in microseconds: end is clamped or now, not a wrapped time (${mode})`, async () => {
      const { core, spans } = setup(mode);
      const s = core.tracer.startSpan('op');
      s.end(Date.now() * 1000);
      await core.flush();
      const [sp] = spans();
      const start = BigInt(sp.startTimeUnixNano), end = BigInt(sp.endTimeUnixNano);
      expect(end === NS_MAX || near(end, start), `endTimeUnixNano ${end}, start ${start}`).toBe(true);
    });
  }
});
