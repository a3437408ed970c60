// CLI: npx tsx demo/collector/main.ts --port 4318 --data .demo-data --cors-origin http://127.0.0.1:8080
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startCollector } from './index.js';

const USAGE = `Plume dev collector: OTLP/HTTP receiver, SQLite store and viewer.

  npx tsx demo/collector/main.ts [options]

  --host <addr>            listen address (default 127.0.0.1)
  --port <n>               port, 0 for any free one (default 4318)
  --data <dir>             keep the store in <dir>/collector.sqlite (default: memory only)
  --cors-origin <origin>   allow this exact origin (repeatable or comma-separated)
  --cors-header <name>     allow this request header besides content-type, content-encoding (repeatable)
  --cors-max-age <s>       Access-Control-Max-Age for preflight answers
  --cors-wildcard          answer Access-Control-Allow-Origin: * (misconfigured on purpose)
  --max-body-bytes <n>     body limit, on the wire and decompressed (default 4194304)
  --max-spans <n>          rows kept per signal before the oldest rotate out (default 200000)
  --reject-invalid-ids     refuse a whole request over one bad id (as the OTel Collector does)
  --source-maps <dir>      symbolicate exception stacks with the maps in <dir> (<script path>.map, debug-id/<id>.map)
  --verbose                one line per receiver request
  --help
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function integer(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a non-negative integer, not ${raw}`);
  return n;
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      data: { type: 'string' },
      'cors-origin': { type: 'string', multiple: true },
      'cors-header': { type: 'string', multiple: true },
      'cors-max-age': { type: 'string' },
      'cors-wildcard': { type: 'boolean' },
      'max-body-bytes': { type: 'string' },
      'max-spans': { type: 'string' },
      'reject-invalid-ids': { type: 'boolean' },
      'source-maps': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
} catch (err) {
  fail((err as Error).message);
}
const args = parsed.values;
if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

if (args['source-maps'] !== undefined && !statSync(args['source-maps'], { throwIfNoEntry: false })?.isDirectory()) {
  fail(`--source-maps ${args['source-maps']}: not a folder`);
}

const split = (list: string[] | undefined) => (list ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

const collector = await startCollector({
  host: args.host,
  port: integer('port', args.port) ?? 4318,
  dataDir: args.data,
  corsOrigins: split(args['cors-origin']),
  corsAllowedHeaders: split(args['cors-header']),
  corsMaxAge: integer('cors-max-age', args['cors-max-age']),
  corsMode: args['cors-wildcard'] ? 'wildcard' : 'exact',
  maxBodyBytes: integer('max-body-bytes', args['max-body-bytes']),
  maxSpans: integer('max-spans', args['max-spans']),
  invalidIds: args['reject-invalid-ids'] ? 'request' : 'item',
  log: args.verbose ? (line) => console.log(line) : undefined,
  sourceMaps: args['source-maps'],
}).catch((err: Error) => fail(`cannot start: ${err.message}`));

const origins = split(args['cors-origin']);
// One write, so that whoever waits for the first line (tests, scripts) gets all of them.
console.log([
  `collector listening on ${collector.url}`,
  `  OTLP/HTTP  ${collector.url}/v1/traces  /v1/metrics  /v1/logs`,
  `  viewer     ${collector.url}/`,
  `  CORS       ${args['cors-wildcard'] ? '* (wildcard, no credentials)' : origins.length ? origins.join(', ') : 'off'}`,
  `  store      ${args.data ? `${args.data}/collector.sqlite` : 'in memory'}`,
  ...(args['source-maps'] ? [`  maps       ${args['source-maps']} (exception stacks symbolicated)`] : []),
].join('\n'));

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`collector: ${signal}, writing the store and closing`);
  await collector.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
