// Records.reset() gives back words and string bytes after a burst ("instead of keeping the
// high-water mark for good"), but not the string index: a batch with many distinct strings
// leaves a large strIndex on every Records (each RecordBatch, each createEncoder) for good.
import { describe, expect, it } from 'vitest';
import { Records } from '../../../src/encode/records.js';

describe('Records after a burst of distinct strings', () => {
  it('reset() shrinks the string index like it shrinks words and bytes', () => {
    const rec = new Records();
    const initialIndex = rec.strIndex.length; // 512 ids' worth
    for (let k = 0; k < 300_000; k++) rec.str(`s${k}`);
    rec.alloc(300_000);
    rec.reset();
    expect(rec.words.length).toBeLessThanOrEqual(4096 * 16); // given back
    expect(rec.strBytes.length).toBeLessThanOrEqual(16384 * 16); // given back
    expect(rec.strIndex.length).toBeLessThanOrEqual(initialIndex * 16); // kept: 1,048,576 words (4 MB)
  });
});
