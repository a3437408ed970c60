// The encoder's wasm as hex, put here by the build (rollup.config.js): the browser entries
// import it (no request to make, no asset for a bundler to copy) and createEncoder() works
// with no options. Empty in the sources: pass `wasm` explicitly there.
export default '';
