// A log body bigint outside int64 is wrapped modulo 2^64 (src/record/log.ts: BigInt.asIntN),
// so 2^64 + 1 is sent as 1 and -(2^63) - 1 as 9223372036854775807: a different number, with
// nothing counted. Attributes drop such bigints and count them (README "attribute values").
import { describe, expect, it } from 'vitest';
import { setup } from './sdk-harness.js';

describe('log body: bigint outside int64', () => {
  for (const mode of ['wasm', 'js'] as const) {
    it(`is not sent as a different integer (${mode})`, async () => {
      const { core, logs } = setup(mode);
      core.logger.emit({ body: 2n ** 64n + 1n });
      core.logger.emit({ body: -(2n ** 63n) - 1n });
      core.logger.emit({ body: { n: 2n ** 70n } });
      await core.flush();
      const bodies = logs().map((l: any) => l.body);
      expect(bodies.length).toBe(3);
      // Whatever the rule (dropped, empty, a decimal string), never an int64 of another value.
      expect(bodies[0]?.intValue).toBeUndefined();
      expect(bodies[1]?.intValue).toBeUndefined();
      expect(bodies[2]?.kvlistValue?.values?.[0]?.value?.intValue).toBeUndefined();
    });
  }
});
