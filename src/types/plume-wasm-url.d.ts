// Resolved by rollup.config.js: the URL of plume.wasm as shipped beside the bundle.
declare module 'plume:wasm-url' {
  const url: string;
  export default url;
}
