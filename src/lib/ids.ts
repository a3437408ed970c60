// Random trace and span ids as lowercase hex, from a pooled crypto.getRandomValues buffer:
// one call per 16 KiB instead of one per id (each call costs microseconds in some runtimes).

const HEX: string[] = [];
for (let k = 0; k < 256; k++) HEX.push((k < 16 ? '0' : '') + k.toString(16));

const pool = new Uint8Array(16384);
let pos = pool.length;

function randomHex(bytes: number): string {
  if (pos + bytes > pool.length) {
    crypto.getRandomValues(pool);
    pos = 0;
  }
  let s = '';
  let zero = true;
  for (let k = 0; k < bytes; k++) {
    const b = pool[pos++];
    if (b) zero = false;
    s += HEX[b];
  }
  // All-zero ids are invalid in W3C trace context.
  return zero ? randomHex(bytes) : s;
}

export const newTraceId = (): string => randomHex(16);
export const newSpanId = (): string => randomHex(8);

export const INVALID_TRACE_ID = '00000000000000000000000000000000';
export const INVALID_SPAN_ID = '0000000000000000';
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
// A string first: a caller's object would be coerced by test(), and its toString may throw.
export const isValidTraceId = (id: unknown): id is string => typeof id === 'string' && TRACE_ID.test(id) && id !== INVALID_TRACE_ID;
export const isValidSpanId = (id: unknown): id is string => typeof id === 'string' && SPAN_ID.test(id) && id !== INVALID_SPAN_ID;

// Nibble values by char code, for '0'-'9' and 'a'-'f' (ids are validated lowercase hex).
const NIBBLE = new Uint8Array(103);
for (let k = 0; k < 10; k++) NIBBLE[48 + k] = k;
for (let k = 0; k < 6; k++) NIBBLE[97 + k] = 10 + k;

/** Writes a valid lowercase hex id into bytes at `at`. */
export function hexInto(hex: string, out: Uint8Array, at: number): void {
  for (let k = 0, n = hex.length >> 1; k < n; k++) {
    out[at + k] = (NIBBLE[hex.charCodeAt(2 * k)] << 4) | NIBBLE[hex.charCodeAt(2 * k + 1)];
  }
}
