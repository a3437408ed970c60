// The encoder's wasm as hex, put here by the build (rollup.config.js) so that
// createEncoder() works with no options. Empty in the sources: pass `wasm` explicitly there.
export default '';
