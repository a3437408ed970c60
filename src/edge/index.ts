// plume/edge: request tracing for edge workers (one neutral core, one thin adapter per runtime)
// and the first-party relay for browser exports.
export {
  cloudflareClientAddress, instrument, type ExecutionContextLike, type Instrumented, type ModuleWorker,
} from './adapter/cloudflare-workers.js';
export { instrumentDeno, type DenoEnv, type DenoHandler, type DenoServeInfo } from './adapter/deno.js';
export { instrumentVercel, vercelClientAddress, type VercelEnv, type VercelHandler, type WaitUntilContext } from './adapter/vercel.js';
export { relay, type Relay, type RelayOptions, type RelayStats } from './relay.js';
export { checkOtlpJson, checkOtlpProtobuf, type OtlpMessage, type OtlpSignal } from './otlp-walk.js';
export {
  ATTR as SYMBOLICATION_ATTRIBUTES, bindingSource, createSymbolicator, symbolicateOtlpJson, symbolicateOtlpProtobuf,
  type BindingSourceOptions, type MapSourceFunction, type OriginalFrame, type StackResult, type StorageBinding,
  type Symbolicator, type SymbolicatorOptions, type SymbolicatorStats,
} from './symbolicate/index.js';
export {
  contextMode, getPlume, requestContext, setRoute,
  type ConfigInput, type EdgeConfig,
} from './core.js';

export * from '../sdk/public.js';
