// The encoder's wasm as base64, put here by the build (rollup.config.js) so that
// createEncoder() works with no options. Empty in the sources: pass `wasm` explicitly there.
export default '';
