// Resolved by rollup.config.js: dist/plume.wasm as a hex string.
declare module 'plume:wasm-hex' {
  const hex: string;
  export default hex;
}
