// The record batch the SDK writes into: interning, growth, time conversion.
import { describe, expect, it } from 'vitest';
import { Records } from '../../src/encode/records.js';

describe('Records', () => {
  it('interns each string once per batch and keeps id 0 for ""', () => {
    const r = new Records(8, 8);
    expect(r.str('')).toBe(0);
    const a = r.str('http.request.method');
    const b = r.str('GET');
    expect(r.str('http.request.method')).toBe(a);
    expect(b).not.toBe(a);
    const bytes = r.byteCount;
    r.str('GET');
    expect(r.byteCount).toBe(bytes);
    const text = (id: number) => new TextDecoder().decode(r.strBytes.subarray(r.strIndex[id * 2], r.strIndex[id * 2] + r.strIndex[id * 2 + 1]));
    expect(text(a)).toBe('http.request.method');
    expect(text(r.str('ü😀\uD800'))).toBe('ü😀\uFFFD');
    r.reset();
    expect(r.str('GET')).toBe(1);
  });

  it('grows words, string bytes and the string index without losing data', () => {
    const r = new Records(4, 4);
    const offs: number[] = [];
    for (let k = 0; k < 1000; k++) {
      const at = r.alloc(3);
      r.words[at] = k;
      r.words[at + 2] = r.str(`s${k}`);
      offs.push(at);
    }
    offs.forEach((at, k) => expect(r.words[at]).toBe(k));
    expect(r.strCount).toBe(1001);
  });

  it('alloc zeroes words reused after reset', () => {
    const r = new Records(16);
    r.words.fill(7, 0, r.alloc(16));
    r.reset();
    const at = r.alloc(16);
    expect([...r.words.subarray(at, at + 16)].every((x) => x === 0)).toBe(true);
  });

  it('converts millisecond times with fractions to exact unix nanoseconds', () => {
    const r = new Records();
    const cases = [0, 1, 1.5, 1764614400123.456, 1764614400123.000001, 4294967296.5, 18446744073709, 1.9999999999, Date.now() + 0.25];
    for (let k = 0; k < 200; k++) cases.push(Math.random() * 2e12 + Math.floor(Math.random() * 1000) / 1000);
    for (const ms of cases) {
      r.setTimeMs(0, ms);
      const got = BigInt(r.words[0]) + (BigInt(r.words[1]) << 32n);
      const whole = Math.floor(ms);
      const want = BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
      expect(got, String(ms)).toBe(want);
    }
  });

  it('stores doubles as their IEEE-754 bits', () => {
    const r = new Records();
    r.setDouble(0, -0);
    expect([r.words[0], r.words[1]]).toEqual([0, 0x80000000]);
    r.setDouble(0, 1);
    expect([r.words[0], r.words[1]]).toEqual([0, 0x3ff00000]);
  });
});
