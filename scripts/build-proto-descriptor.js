// Rebuilds proto/otlp.binpb, the checked-in OTLP schema descriptor that tests and tools
// decode with, from the official .proto files. This is the only script that reads
// ../shared: everything else uses the checked-in descriptor, so a fresh clone tests alone.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const protoRoot = resolve(process.argv[2] ?? join(root, '..', 'shared', 'opentelemetry-proto'));
if (!existsSync(join(protoRoot, 'opentelemetry'))) {
  console.error(`no opentelemetry-proto checkout at ${protoRoot}; pass its path as the first argument`);
  process.exit(1);
}
const files = ['trace', 'metrics', 'logs'].map(
  (s) => `opentelemetry/proto/collector/${s}/v1/${s}_service.proto`,
);
execFileSync('protoc', [
  `--proto_path=${protoRoot}`,
  '--include_imports',
  `--descriptor_set_out=${join(root, 'proto', 'otlp.binpb')}`,
  ...files,
], { stdio: 'inherit' });
console.log('wrote proto/otlp.binpb');
