// The inlined wasm is hex, not base64: brotli keeps repeated byte runs repeated in hex (each
// byte is two characters on an even boundary) but not in base64 (three alignments per run),
// measured 2.6 KB against 3.4 KB for the 8 KB module. Uint8Array.fromHex (Chromium 140,
// Firefox 133, Safari 18.2) decodes the 8 KB in 0.1 ms where the loop below takes 2-5 ms
// on a cold page (measured in Chromium): the loop is for older engines only.
// Lower-case digits only ('0'-'9' is 0x30-0x39, 'a'-'f' 0x61-0x66): low nibble, +9 for letters.
const nibble = (c: number): number => (c & 15) + (c >> 6) * 9;

export function fromHex(hex: string): Uint8Array {
  const native = (Uint8Array as unknown as { fromHex?: (s: string) => Uint8Array }).fromHex;
  if (typeof native === 'function') return native.call(Uint8Array, hex);
  const out = new Uint8Array(hex.length >> 1);
  for (let k = 0; k < out.length; k++) out[k] = nibble(hex.charCodeAt(2 * k)) << 4 | nibble(hex.charCodeAt(2 * k + 1));
  return out;
}
