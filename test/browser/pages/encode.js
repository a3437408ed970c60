// Loaded by encoder-csp.spec.ts pages: encodes the request in ?req= with the built package.
import { createEncoder } from '/dist/encoder.js';

const req = JSON.parse(new URLSearchParams(location.search).get('req'));
const run = async (options) => {
  const enc = await createEncoder(options);
  return { kind: enc.kind, fallbackReason: enc.fallbackReason, bytes: Array.from(enc.encodeTraces(req)) };
};
try {
  const auto = await run({});
  const url = await run({ wasm: new URL('/dist/plume.wasm', location.href) });
  let wasmOnly = '';
  try { await createEncoder({ implementation: 'wasm' }); } catch (e) { wasmOnly = String(e.message); }
  window.__result = { auto, url, wasmOnly };
} catch (e) {
  window.__result = { error: String(e && e.stack || e) };
}
