// Readable stack traces where telemetry enters the site's own infrastructure: the relay
// (relay({ sourceMaps })) and the dev collector (--source-maps) symbolicate
// exception.stacktrace with the site's private source maps. This folder is the runtime-neutral
// core: stack parsing (stack.ts), map sources and the per-isolate cache (maps.ts), the
// symbolicator (symbolicate.ts), and the OTLP walks: OTLP/JSON (otlp-json.ts) and protobuf
// (otlp-protobuf.ts, over the relay's protobuf reader in ../otlp-walk.ts).
export {
  ATTR, createSymbolicator, resultAttributes,
  type OriginalFrame, type StackInput, type StackResult, type Symbolicator, type SymbolicatorOptions, type SymbolicatorStats,
} from './symbolicate.js';
export {
  bindingSource, debugIdComment, sourceMappingUrl,
  type BindingSourceOptions, type MapSourceFunction, type StorageBinding,
} from './maps.js';
export { parseStack, type Frame, type ParsedStack } from './stack.js';
export { symbolicateOtlpJson } from './otlp-json.js';
export { STACK_ATTRIBUTES, symbolicateOtlpProtobuf, symbolicateProtobufRecords } from './otlp-protobuf.js';
