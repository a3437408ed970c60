// plume/edge: request tracing for edge workers (one neutral core, one thin adapter per runtime)
// and the first-party relay for browser exports.
export { instrument, type ExecutionContextLike, type Instrumented, type ModuleWorker } from './adapter/cloudflare-workers.js';
export { instrumentDeno, type DenoEnv, type DenoHandler, type DenoServeInfo } from './adapter/deno.js';
export { instrumentVercel, type VercelEnv, type VercelHandler, type WaitUntilContext } from './adapter/vercel.js';
export { relay, type Relay, type RelayOptions } from './relay.js';
export { checkOtlpProtobuf, type OtlpSignal } from './otlp-walk.js';
export {
  contextMode, getPlume, requestContext, setRoute,
  type ConfigInput, type EdgeConfig,
} from './core.js';

export * from '../sdk/public.js';
