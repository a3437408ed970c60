// relay({ sourceMaps }): exception stacks of logs and traces are symbolicated before they are
// forwarded, protobuf or JSON in and the same format out, with real maps (esbuild --minify
// --sourcemap of test/edge/symbolicate/app) and a recording fake collector. The relay's checks
// stay in front; whatever goes wrong, the request is forwarded as it came and counted.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { relay } from '../../../src/edge/relay.js';
import { ATTR, createSymbolicator, type Symbolicator, type SymbolicatorOptions } from '../../../src/edge/symbolicate/index.js';
import { createEncoder } from '../../../src/encoder.js';
import { decodeToJson } from '../../helpers/otlp-schema.js';
import { startFakeCollector, type FakeCollector } from '../helpers.js';
import { buildEsbuild, expectedFrames, throwFrom, type Built } from '../symbolicate/fixture.js';
import { post, traces, warnings } from './relay-harness.js';

const enc = await createEncoder({ implementation: 'js' });
let collector: FakeCollector;
let esb: Built;
let stack: string;
beforeAll(async () => {
  collector = await startFakeCollector();
  esb = await buildEsbuild();
  stack = await throwFrom(esb);
});
afterAll(async () => { await collector?.close(); esb?.remove(); });
beforeEach(() => { collector.seen.length = 0; });
const logged = warnings();

type Attr = { key: string; value: Record<string, unknown> };
const str = (key: string, v: string): Attr => ({ key, value: { stringValue: v } });
const errorRecord = (s = stack) => ({
  timeUnixNano: '1764614400123456789', severityNumber: 17, body: { stringValue: 'Uncaught TypeError' },
  attributes: [str('exception.type', 'TypeError'), str(ATTR.stacktrace, s)],
});
const logsJson = (s = stack) => ({
  resourceLogs: [{
    resource: { attributes: [str('service.name', 'shop-web')] }, scopeLogs: [{ logRecords: [errorRecord(s), { attributes: [] }] }],
  }],
});
const tracesWithException = () => ({
  resourceSpans: [{ scopeSpans: [{ spans: [{
    traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'click', kind: 1, startTimeUnixNano: '1',
    endTimeUnixNano: '2', events: [{ timeUnixNano: '1', name: 'exception', attributes: errorRecord().attributes }],
  }] }] }],
});

const quiet: Pick<SymbolicatorOptions, 'onProblem'> = { onProblem: () => {} };
const symbolicator = (o: Partial<SymbolicatorOptions> = {}) => createSymbolicator({ source: esb.source, ...quiet, ...o });
const r = (sourceMaps?: Symbolicator, more: Parameters<typeof relay>[0] extends infer O ? Partial<O> : never = {}) =>
  relay({ collector: collector.url, rateLimit: false, sourceMaps, ...more });
async function send(relayed: ReturnType<typeof relay>, req: Request): Promise<number> {
  const res = (await relayed(req))!;
  await res.arrayBuffer();
  return res.status;
}

/** The attributes of every log record or span event the collector got, as @bufbuild decodes them. */
function received(signal: 'logs' | 'traces', k = 0): Record<string, unknown>[] {
  const seen = collector.seen[k];
  const req = (seen.headers['content-type'] === 'application/json' ? JSON.parse(seen.body) : decodeToJson(signal, seen.bytes)) as any;
  const lists: Attr[][] = signal === 'logs'
    ? req.resourceLogs.flatMap((rl: any) => rl.scopeLogs.flatMap((sl: any) => sl.logRecords.map((l: any) => l.attributes ?? [])))
    : req.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) =>
      ss.spans.flatMap((s: any) => s.events.map((e: any) => e.attributes))));
  const plain = (v: Record<string, unknown>) => v.stringValue ?? (v.intValue === undefined ? v : Number(v.intValue));
  return lists.map((l) => Object.fromEntries(l.map((a) => [a.key, plain(a.value)])));
}

function expectReadable(attrs: Record<string, unknown>) {
  const top = expectedFrames()[0];
  expect(attrs[ATTR.stacktrace]).toMatch(/^ {4}at priceOf \(.*symbolicate\/app\/cart\.js:\d+:\d+\)$/m);
  expect(attrs[ATTR.minified]).toBe(stack);
  expect(String(attrs['code.file.path'])).toMatch(/symbolicate\/app\/cart\.js$/);
  expect([attrs['code.line.number'], attrs['code.column.number'], attrs['code.function.name']]).toEqual([top.line, top.column, 'priceOf']);
}

describe('relay({ sourceMaps }): stacks made readable before they are forwarded', () => {
  it('protobuf logs: original frames and code.* on the record, the minified stack kept, protobuf out', async () => {
    const relayed = r(symbolicator());
    expect(await send(relayed, post(enc.encodeLogs(logsJson()) as BodyInit, {}, '/otlp/v1/logs'))).toBe(200);
    expect(collector.seen[0].headers['content-type']).toBe('application/x-protobuf');
    const [error, plain] = received('logs');
    expectReadable(error);
    expect(plain).toEqual({});
    expect(relayed.stats).toEqual({ symbolicated: 1, symbolicationFailed: 0 });
  });

  it('protobuf traces: the exception events of spans', async () => {
    expect(await send(r(symbolicator()), post(enc.encodeTraces(tracesWithException()) as BodyInit))).toBe(200);
    expectReadable(received('traces')[0]);
  });

  it('OTLP/JSON in, OTLP/JSON out (int64 as decimal strings, as OTLP/JSON writes them)', async () => {
    const body = JSON.stringify(logsJson());
    expect(await send(r(symbolicator()), post(body, { 'content-type': 'application/json; charset=utf-8' }, '/otlp/v1/logs'))).toBe(200);
    expect(collector.seen[0].headers['content-type']).toBe('application/json');
    const sent = JSON.parse(collector.seen[0].body);
    expect(sent.resourceLogs[0].scopeLogs[0].logRecords[0].timeUnixNano).toBe('1764614400123456789');
    expect(sent.resourceLogs[0].scopeLogs[0].logRecords[0].attributes)
      .toContainEqual({ key: 'code.line.number', value: { intValue: String(expectedFrames()[0].line) } });
    expectReadable(received('logs')[0]);
  });

  it('a compressed body whose stacks changed goes uncompressed; one without stacks goes as it came', async () => {
    const relayed = r(symbolicator());
    const gz = gzipSync(enc.encodeLogs(logsJson()));
    expect(await send(relayed, post(gz as BodyInit, { 'content-encoding': 'gzip' }, '/otlp/v1/logs'))).toBe(200);
    expect(collector.seen[0].headers['content-encoding']).toBeUndefined();
    expect(Number(collector.seen[0].headers['content-length'])).toBe(collector.seen[0].bytes.length);
    expectReadable(received('logs')[0]);

    const plain = gzipSync(traces());
    expect(await send(relayed, post(plain as BodyInit, { 'content-encoding': 'gzip' }))).toBe(200);
    expect(collector.seen[1].headers['content-encoding']).toBe('gzip');
    expect(collector.seen[1].bytes).toEqual(new Uint8Array(plain));
    // Metrics are never looked at.
    const metrics = enc.encodeMetrics({ resourceMetrics: [{ resource: { attributes: [str(ATTR.stacktrace, stack)] }, scopeMetrics: [] }] });
    expect(await send(relayed, post(metrics as BodyInit, {}, '/otlp/v1/metrics'))).toBe(200);
    expect(collector.seen[2].bytes).toEqual(metrics);
    expect(relayed.stats).toEqual({ symbolicated: 1, symbolicationFailed: 0 });
  });

  it('the checks stay in front: a malformed body is still a 400, and nothing is forwarded', async () => {
    const body = enc.encodeLogs(logsJson());
    expect(await send(r(symbolicator()), post(body.subarray(0, body.length - 4) as BodyInit, {}, '/otlp/v1/logs'))).toBe(400);
    const json = post('{"resourceLogs":[{"scopeLogs":7}]}', { 'content-type': 'application/json' }, '/otlp/v1/logs');
    expect(await send(r(symbolicator()), json)).toBe(400);
    expect(collector.seen).toHaveLength(0);
  });

  it('sourceMaps that is not a symbolicator is a TypeError', () => {
    for (const bad of [{ source: esb.source }, 'maps/', 7, null]) {
      expect(() => relay({ collector: collector.url, sourceMaps: bad as never }), String(bad)).toThrow(TypeError);
    }
  });
});

describe('relay({ sourceMaps }): bad input never breaks the path', () => {
  it('a missing map or one that never comes: the stack stays as it was, counted on the record, the request forwarded', async () => {
    for (const source of [async () => null, () => new Promise<string>(() => {})]) {
      collector.seen.length = 0;
      const s = symbolicator({ source, timeoutMillis: 100 });
      expect(await send(r(s), post(enc.encodeLogs(logsJson()) as BodyInit, {}, '/otlp/v1/logs'))).toBe(200);
      const [error] = received('logs');
      expect(error[ATTR.stacktrace]).toBe(stack);
      expect(error[ATTR.minified]).toBeUndefined();
      expect(error[ATTR.unmapped]).toBeGreaterThan(0);
      expect(error[ATTR.error]).toMatch(/no source map|timed out/);
      expect(s.stats.left).toBe(1);
    }
  });

  it('a missing map is said once, server side, as PLUME_W016 (the symbolicator\'s default onProblem)', async () => {
    const relayed = r(createSymbolicator({ source: async () => null }));
    for (let k = 0; k < 2; k++) expect(await send(relayed, post(enc.encodeLogs(logsJson()) as BodyInit, {}, '/otlp/v1/logs'))).toBe(200);
    expect(logged.filter((l) => l.includes(`PLUME_W016 symbolication: no source map for ${esb.url}`))).toHaveLength(1);
  });

  it('a stack in no known format is left and counted; the other records still change', async () => {
    const records = [errorRecord('Error: boom\n  in some engine of its own'), errorRecord()];
    const body = enc.encodeLogs({ resourceLogs: [{ scopeLogs: [{ logRecords: records }] }] });
    expect(await send(r(symbolicator()), post(body as BodyInit, {}, '/otlp/v1/logs'))).toBe(200);
    const [odd, error] = received('logs');
    expect(odd[ATTR.stacktrace]).toBe('Error: boom\n  in some engine of its own');
    expect(odd[ATTR.error]).toBe('unknown stack format');
    expectReadable(error);
  });

  it('a symbolicator that throws: forwarded as it came, counted, and said (PLUME_W016)', async () => {
    const broken = { ...symbolicator(), symbolicate: async () => { throw new Error('maps exploded'); } };
    const relayed = r(broken);
    const gz = gzipSync(enc.encodeLogs(logsJson()));
    expect(await send(relayed, post(gz as BodyInit, { 'content-encoding': 'gzip' }, '/otlp/v1/logs'))).toBe(200);
    expect(collector.seen[0].headers['content-encoding']).toBe('gzip');
    expect(collector.seen[0].bytes).toEqual(new Uint8Array(gz));
    expect(relayed.stats).toEqual({ symbolicated: 0, symbolicationFailed: 1 });
    expect(logged.join('\n')).toMatch(/PLUME_W016 relay: a logs request was forwarded with its stacks as they came: maps exploded/);
  });

  it('OTLP/JSON with an integer a double cannot hold: forwarded as it came rather than written back changed', async () => {
    const body = JSON.stringify(logsJson()).replace('"1764614400123456789"', '1764614400123456789');
    const relayed = r(symbolicator());
    expect(await send(relayed, post(body, { 'content-type': 'application/json' }, '/otlp/v1/logs'))).toBe(200);
    expect(collector.seen[0].body).toBe(body);
    expect(relayed.stats.symbolicationFailed).toBe(1);
    expect(logged.join('\n')).toMatch(/PLUME_W016 .*integer 1764614400123456800/);
  });

  it('a body that would grow past twice maxBodyBytes: forwarded as it came', async () => {
    const body = enc.encodeLogs(logsJson());
    const huge = { ...symbolicator(), symbolicate: async (inputs: { stack: string }[]) => inputs.map((i) => ({
      stack: i.stack.repeat(3), original: i.stack, frames: [], mapped: 1, unmapped: 0,
      top: { fn: 'f', file: 'f.js', line: 1, column: 1, mapped: true, minified: { fn: 'a', url: 'u', line: 1, column: 1 } },
    })) };
    const relayed = r(huge as Symbolicator, { maxBodyBytes: body.length });
    expect(await send(relayed, post(body as BodyInit, {}, '/otlp/v1/logs'))).toBe(200);
    expect(collector.seen[0].bytes).toEqual(body);
    expect(relayed.stats.symbolicationFailed).toBe(1);
    expect(logged.join('\n')).toMatch(/PLUME_W016 .*over 2 × maxBodyBytes/);
  });
});
