// npm run bench, part 4 — relay() throughput in node: requests per second and CPU per request
// (this process: building the request, the relay's checks, its fetch to the collector), a
// fake collector on loopback in a child process answering 200 at once, 16 requests in flight;
// and again with the collector's answer made in process (the relay's own work alone).
// Bodies: a browser export of 50 spans as protobuf, the same gzip'd, the same as JSON (no
// stacks), and an export of 10 error log records, each with a 20-frame stack of a real
// minified app (esbuild --minify --sourcemap), as protobuf and as JSON. Each body goes through
// the relay without sourceMaps and with them (one symbolicator, its maps cached after the
// warm-up round, as in an isolate that has served a few requests).
// Then the OTLP checks alone, in MB/s, on a 10,000-span export.
//
// `tsx bench/relay.ts --baseline <git ref>` also runs the relay of that commit (its src/ taken
// with git archive) in the same process, rounds interleaved, so before and after compare
// within one run. Figures are compared within a run only.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { checkOtlpJson, checkOtlpProtobuf } from '../src/edge/otlp-walk.js';
import { relay as currentRelay, type RelayOptions } from '../src/edge/relay.js';
import { createSymbolicator } from '../src/edge/symbolicate/index.js';
import { createEncoder } from '../src/encoder.js';
import { FIXTURES } from '../test/encode/fixtures.js';
import { buildEsbuild, throwFrom } from '../test/edge/symbolicate/fixture.js';
import { printRounds, rounds } from './harness.js';

const ROUND_MS = Number(process.env.BENCH_MS ?? 1500);
const ROUNDS = Number(process.env.RELAY_ROUNDS ?? 3);
const IN_FLIGHT = 16;
const root = new URL('..', import.meta.url).pathname;
const arg = process.argv.indexOf('--baseline');
const baselineRef = arg > 0 ? process.argv[arg + 1] : undefined;

// ---- the collector, in its own process so that its CPU is not counted here

const collectorSource = `
const http = require('node:http');
const s = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
});
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => console.log('LISTEN ' + s.address().port));
`;
const child = spawn(process.execPath, ['-e', collectorSource], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve, reject) => {
  child.stdout!.on('data', (d: Buffer) => { const m = /LISTEN (\d+)/.exec(String(d)); if (m) resolve(Number(m[1])); });
  child.once('exit', (code) => reject(new Error(`the fake collector exited (${code})`)));
});
process.once('exit', () => child.kill());
const collector = `http://127.0.0.1:${port}`;

// ---- bodies

const enc = await createEncoder({ implementation: 'js' });
const spans = Array.from({ length: 50 }, (_, i) => ({
  traceId: (i + 1).toString(16).padStart(32, '0'), spanId: (i + 1).toString(16).padStart(16, '0'), name: `GET /api/items/${i % 7}`, kind: 3,
  startTimeUnixNano: '1764614400123456789', endTimeUnixNano: '1764614400223456789',
  attributes: [
    { key: 'http.request.method', value: { stringValue: 'GET' } },
    { key: 'url.full', value: { stringValue: `https://shop.example.com/api/items/${i % 7}?page=${i % 9}` } },
    { key: 'http.response.status_code', value: { intValue: 200 } },
    { key: 'server.address', value: { stringValue: 'shop.example.com' } },
  ],
}));
const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'shop-web' } }] };
const exportJson = { resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'plume' }, spans }] }] };
const protobuf = enc.encodeTraces(exportJson);
const gzipped = gzipSync(protobuf);
const json = JSON.stringify(exportJson);
// Error records as a page sends them: stacks of the minified app's real frames (its map private).
const app = await buildEsbuild();
const appFrames = (await throwFrom(app)).split('\n').filter((l) => l.includes(app.url));
const stackOf = (k: number) => [`TypeError: no price for sku-${k}`,
  ...Array.from({ length: 20 }, (_, i) => appFrames[(i + k) % appFrames.length])].join('\n');
const errorsJson = {
  resourceLogs: [{ resource, scopeLogs: [{ scope: { name: 'plume' }, logRecords: Array.from({ length: 10 }, (_, k) => ({
    timeUnixNano: '1764614400123456789', severityNumber: 17, severityText: 'ERROR',
    body: { stringValue: `Uncaught TypeError: no price for sku-${k}` },
    attributes: [
      { key: 'exception.type', value: { stringValue: 'TypeError' } },
      { key: 'exception.message', value: { stringValue: `no price for sku-${k}` } },
      { key: 'exception.stacktrace', value: { stringValue: stackOf(k) } },
    ],
  })) }] }],
};
const errors = enc.encodeLogs(errorsJson);
const errorsText = JSON.stringify(errorsJson);
const symbolicator = createSymbolicator({ source: app.source, onProblem: () => {} });

const bodies: { name: string; path: string; body: Uint8Array | string; headers: Record<string, string> }[] = [
  { name: `protobuf ${protobuf.length} B`, path: 'traces', body: protobuf, headers: { 'content-type': 'application/x-protobuf' } },
  {
    name: `protobuf gzip ${gzipped.length} B`, path: 'traces', body: gzipped,
    headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
  },
  { name: `JSON ${json.length} B`, path: 'traces', body: json, headers: { 'content-type': 'application/json' } },
  { name: `logs+stacks pb ${errors.length} B`, path: 'logs', body: errors, headers: { 'content-type': 'application/x-protobuf' } },
  { name: `logs+stacks JSON ${errorsText.length} B`, path: 'logs', body: errorsText, headers: { 'content-type': 'application/json' } },
];

// ---- the relays

type RelayFn = (o: RelayOptions) => (r: Request) => Promise<Response | undefined>;
const relays: { name: string; make: RelayFn }[] = [
  { name: 'this branch', make: currentRelay },
  { name: 'this branch, sourceMaps', make: (o) => currentRelay({ ...o, sourceMaps: symbolicator }) },
];
let baselineDir: string | undefined;
if (baselineRef) {
  baselineDir = mkdtempSync(join(tmpdir(), 'plume-relay-baseline-'));
  const tar = execFileSync('git', ['archive', baselineRef, 'src'], { cwd: root, maxBuffer: 64 << 20 });
  execFileSync('tar', ['-x', '-C', baselineDir], { input: tar });
  const old = await import(join(baselineDir, 'src/edge/relay.ts'));
  relays.unshift({ name: `baseline ${baselineRef}`, make: old.relay });
}

// Many clients (1,000 addresses), a limit none of them reaches: the limiter's work is counted.
let client = 0;
const options = (inProcess: boolean): RelayOptions => ({
  collector, rateLimit: { requests: 1_000_000, perSeconds: 1 }, maxConcurrent: 64,
  clientAddress: () => `198.51.${(client = (client + 1) % 1000) >> 8}.${client & 255}`,
  // In process: the collector's answer without a network, so only the relay's own work counts.
  fetch: inProcess ? async () => new Response(null, { status: 200, headers: { 'content-type': 'application/x-protobuf' } }) : undefined,
});

async function round(make: RelayFn, b: (typeof bodies)[number], inProcess: boolean): Promise<{ rps: number; cpuUs: number }> {
  const r = make(options(inProcess));
  let done = 0;
  let failed = 0;
  const end = performance.now() + ROUND_MS;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const worker = async () => {
    while (performance.now() < end) {
      const url = `https://shop.example.com/otlp/v1/${b.path}`;
      const req = new Request(url, { method: 'POST', body: b.body as BodyInit, headers: b.headers });
      const res = await r(req);
      if (res?.status !== 200) failed++;
      await res?.arrayBuffer();
      done++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  if (failed) throw new Error(`${failed} of ${done} requests were not answered 200`);
  return { rps: (done * 1000) / wall, cpuUs: (used.user + used.system) / done };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`\nrelay() in node ${process.version}: ${IN_FLIGHT} requests in flight, ${ROUNDS} interleaved rounds of ${ROUND_MS} ms`
  + ', median');
console.log(`${'collector'.padEnd(22)} ${'body'.padEnd(28)} ${'relay'.padEnd(26)} ${'req/s'.padStart(8)} ${'CPU µs/req'.padStart(11)}`);
try {
  for (const [b, inProcess] of bodies.flatMap((x) => [[x, false], [x, true]] as const)) {
    const where = inProcess ? 'answer in process' : 'loopback HTTP';
    const results = new Map<string, { rps: number[]; cpu: number[] }>(relays.map((x) => [x.name, { rps: [], cpu: [] }]));
    // Warm-up, then rounds alternating between the relays.
    for (const x of relays) await round(x.make, b, inProcess);
    for (let k = 0; k < ROUNDS; k++) {
      for (const x of relays) {
        const m = await round(x.make, b, inProcess);
        results.get(x.name)!.rps.push(m.rps);
        results.get(x.name)!.cpu.push(m.cpuUs);
      }
    }
    for (const x of relays) {
      const m = results.get(x.name)!;
      const figures = `${median(m.rps).toFixed(0).padStart(8)} ${median(m.cpu).toFixed(0).padStart(11)}`;
      console.log(`${where.padEnd(22)} ${b.name.padEnd(28)} ${x.name.padEnd(26)} ${figures}`);
    }
  }

  // The checks alone, on a 10,000-span export.
  const big = FIXTURES.find((f) => f.name === 'traces: 10,000 spans')!.req;
  const bigProtobuf = enc.encodeTraces(big);
  const bigJson = new TextEncoder().encode(JSON.stringify(big));
  printRounds('OTLP checks before forwarding (10,000 spans)', await rounds([
    { name: 'checkOtlpProtobuf (wire walk)', run: () => { checkOtlpProtobuf('traces', bigProtobuf); return bigProtobuf; } },
    { name: 'checkOtlpJson (parse + schema walk)', run: () => { checkOtlpJson('traces', bigJson); return bigJson; } },
  ]), 'checkOtlpProtobuf (wire walk)');
  const { maps, ...stacks } = symbolicator.stats;
  console.log(`\nsymbolicator: ${JSON.stringify(stacks)}; maps ${JSON.stringify(maps)}`);
} finally {
  child.kill();
  app.remove();
  if (baselineDir) rmSync(baselineDir, { recursive: true, force: true });
}
