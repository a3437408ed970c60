// The batch of compact records both encoders read (format: ./layout.ts). Writers (the SDK
// on span end, the OTLP/JSON reader) allocate words here and intern strings; an encoder
// turns one request root into bytes; reset() starts the next batch.

import { SLOT_WORDS } from './layout.js';

const utf8 = /* @__PURE__ */ new TextEncoder();
const f64 = /* @__PURE__ */ new Float64Array(1);
const f64Words = /* @__PURE__ */ new Uint32Array(f64.buffer);

export class Records {
  words: Uint32Array;
  /** The words' bytes: ids are written here, and the wasm bridge copies from it. */
  wordBytes: Uint8Array;
  wordCount = 0;
  strIndex: Uint32Array;
  strCount = 1; // id 0 is ""
  strBytes: Uint8Array;
  byteCount = 0;
  private ids = new Map<string, number>();

  constructor(private readonly initialWords = 4096, private readonly initialBytes = 16384) {
    const words = initialWords, bytes = initialBytes;
    this.words = new Uint32Array(words);
    this.wordBytes = new Uint8Array(this.words.buffer);
    this.strIndex = new Uint32Array(512);
    this.strBytes = new Uint8Array(bytes);
  }

  /** Bytes the batch holds in words and strings. */
  get size(): number { return this.wordCount * 4 + this.byteCount; }

  reset(): void {
    this.wordCount = 0;
    this.strCount = 1;
    this.byteCount = 0;
    this.ids.clear();
    // After a burst, give the memory back instead of keeping the high-water mark for good.
    if (this.words.length > this.initialWords * 16) {
      this.words = new Uint32Array(this.initialWords);
      this.wordBytes = new Uint8Array(this.words.buffer);
    }
    if (this.strBytes.length > this.initialBytes * 16) this.strBytes = new Uint8Array(this.initialBytes);
    if (this.strIndex.length > 512 * 16) this.strIndex = new Uint32Array(512);
  }

  /**
   * Reserves n zeroed words and returns their offset. Re-read `words` after calling: it may
   * move. That includes `rec.words[i] = f()` where f allocates: JS reads rec.words first.
   */
  alloc(n: number): number {
    const at = this.wordCount, end = at + n;
    if (end > this.words.length) {
      const next = new Uint32Array(Math.max(end, this.words.length * 2));
      next.set(this.words.subarray(0, at));
      this.words = next;
      this.wordBytes = new Uint8Array(next.buffer);
    } else {
      this.words.fill(0, at, end);
    }
    this.wordCount = end;
    return at;
  }

  /** Reserves n contiguous attribute slots; returns the first slot's offset. */
  slots(n: number): number {
    return this.alloc(n * SLOT_WORDS);
  }

  /** The id of s in this batch's string table, encoding it to UTF-8 the first time it is seen. */
  str(s: string): number {
    if (s === '') return 0;
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.encode(s);
      this.ids.set(s, id);
    }
    return id;
  }

  /** A string-table entry holding raw bytes (AnyValue bytes); never interned. */
  bytes(b: Uint8Array): number {
    const at = this.reserveBytes(b.length);
    this.strBytes.set(b, at);
    this.byteCount = at + b.length;
    return this.addEntry(at, b.length);
  }

  /** Writes a double's IEEE-754 bits as two words at off. */
  setDouble(off: number, v: number): void {
    f64[0] = v;
    this.words[off] = f64Words[0];
    this.words[off + 1] = f64Words[1];
  }

  /**
   * Writes a time in milliseconds since the epoch (performance.timeOrigin + now(), fractions
   * kept) as unix nanoseconds in two words at off. ns values pass 2^53, so the product is
   * formed in 32-bit halves: each partial product below stays exact in a double.
   */
  setTimeMs(off: number, ms: number): void {
    // Outside what uint64 nanoseconds hold (before 1970, after 2554): 0 or the maximum, never
    // a wrapped, plausible-looking time. (toMs() already turns such inputs into "now".)
    if (!(ms > 0)) { this.words[off] = this.words[off + 1] = 0; return; }
    if (ms >= 18446744073709.551) { this.words[off] = this.words[off + 1] = 0xffffffff; return; }
    const whole = Math.floor(ms);
    const frac = Math.round((ms - whole) * 1e6);
    const h = Math.floor(whole / 4294967296), l = whole - h * 4294967296;
    const p = l * 1e6 + frac; // < 2^52
    const pHi = Math.floor(p / 4294967296);
    this.words[off] = p - pHi * 4294967296;
    this.words[off + 1] = h * 1e6 + pHi;
  }

  private encode(s: string): number {
    const n = s.length;
    let at = this.reserveBytes(n * 3);
    const out = this.strBytes, start = at;
    let k = 0;
    // ASCII by hand: encodeInto's subarray costs more than short strings take to copy.
    for (; k < n; k++) {
      const c = s.charCodeAt(k);
      if (c > 0x7f) break;
      out[at++] = c;
    }
    if (k < n) at += utf8.encodeInto(k === 0 ? s : s.slice(k), out.subarray(at)).written;
    this.byteCount = at;
    return this.addEntry(start, at - start);
  }

  private reserveBytes(n: number): number {
    const at = this.byteCount;
    if (at + n > this.strBytes.length) {
      const next = new Uint8Array(Math.max(at + n, this.strBytes.length * 2));
      next.set(this.strBytes.subarray(0, at));
      this.strBytes = next;
    }
    return at;
  }

  private addEntry(at: number, len: number): number {
    const id = this.strCount++;
    if ((id << 1) + 2 > this.strIndex.length) {
      const next = new Uint32Array(this.strIndex.length * 2);
      next.set(this.strIndex);
      this.strIndex = next;
    }
    this.strIndex[id << 1] = at;
    this.strIndex[(id << 1) + 1] = len;
    return id;
  }
}
