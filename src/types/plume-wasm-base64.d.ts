// Resolved by rollup.config.js: dist/plume.wasm as base64.
declare module 'plume:wasm-base64' {
  const base64: string;
  export default base64;
}
