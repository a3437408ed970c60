// `import wasm from 'plume/plume.wasm'`: the bundler leaves the import to the runtime, which
// hands over a compiled module (workerd: a `wasm` module in config.capnp; wrangler: CompiledWasm).
declare module 'plume/plume.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
