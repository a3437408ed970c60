// A log body is written once per path through it: objects that share other objects (no cycle,
// which is cut) are written again at every path, so depth alone does not bound what a body
// costs. With 16 levels (MAX_VALUE_DEPTH) a graph where every object references the next
// level's three is 3^16 values, and the page hangs in emit(). A body holds at most
// MAX_BODY_VALUES values; what does not fit is cut and counted like a value too deep.
import { describe, expect, it } from 'vitest';
import { MAX_BODY_VALUES } from '../../../src/record/log.js';
import { protocDecode } from '../../helpers/otlp-schema.js';
import { setup } from './sdk-harness.js';

/** The AnyValues in a decoded body, itself included. */
function count(v: any): number {
  if (v?.kvlistValue) return 1 + (v.kvlistValue.values ?? []).reduce((n: number, kv: any) => n + count(kv.value ?? {}), 0);
  if (v?.arrayValue) return 1 + (v.arrayValue.values ?? []).reduce((n: number, x: any) => n + count(x), 0);
  return 1;
}

/** `levels` levels of `width` objects, each referencing every object of the next level. */
function graph(levels: number, width: number): object {
  let next: object[] = Array.from({ length: width }, (_, k) => ({ leaf: k }));
  for (let l = 1; l < levels; l++) {
    const below = next;
    next = Array.from({ length: width }, () => Object.fromEntries(below.map((o, k) => [`n${k}`, o])));
  }
  return next[0];
}

describe(`a log body holds at most ${MAX_BODY_VALUES} values`, () => {
  for (const mode of ['wasm', 'js'] as const) {
    for (const width of [2, 4]) {
      // 2: without a bound, 131,071 values; 4: about 1.4 billion, a page that never comes back.
      it(`objects shared along ${width}^16 paths are written until the body is full, the rest cut and counted (${mode})`, async () => {
        const { core, sent, logs } = setup(mode);
        core.logger.emit({ body: graph(16, width) });
        await core.flush();
        const [log] = logs();
        expect(count(log.body)).toBeLessThanOrEqual(MAX_BODY_VALUES);
        expect(count(log.body)).toBeGreaterThan(MAX_BODY_VALUES / 2);
        expect(log.droppedAttributesCount).toBeGreaterThan(0);
        for (const s of sent) expect(() => protocDecode(s.signal, s.body)).not.toThrow();
      });
    }

    it(`an array that fits is written whole; one that does not is an empty value, counted once (${mode})`, async () => {
      const { core, logs } = setup(mode);
      core.logger.emit({ body: Array.from({ length: MAX_BODY_VALUES - 1 }, (_, k) => k) });
      core.logger.emit({ body: Array.from({ length: MAX_BODY_VALUES }, (_, k) => k) });
      core.logger.emit({ body: { small: [1, 2], big: new Array(MAX_BODY_VALUES).fill('x') } });
      await core.flush();
      const [fits, over, mixed] = logs();
      expect(fits.body.arrayValue.values).toHaveLength(MAX_BODY_VALUES - 1);
      expect(fits.droppedAttributesCount).toBeUndefined();
      expect(over.body).toEqual({});
      expect(over.droppedAttributesCount).toBe(1);
      expect(mixed.body).toEqual({ kvlistValue: { values: [
        { key: 'small', value: { arrayValue: { values: [{ intValue: '1' }, { intValue: '2' }] } } },
        { key: 'big', value: {} },
      ] } });
      expect(mixed.droppedAttributesCount).toBe(1);
    });
  }
});
