// The dev collector with --source-maps: exception stacks of log records and span events are
// symbolicated before they are stored (the same core as the relay), the viewer's API gives
// the original frames with source context, and errors are grouped by their top original frame.
// The maps are a real esbuild --minify build's, made private by plume/build.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { privateSourceMaps } from '../../src/build/index.js';
import { startCollector, type Collector } from '../../demo/collector/index.js';
import { APP, expectedFrames, throwFrom } from '../edge/symbolicate/fixture.js';
import { logsBody, post, spanId, T0, traceId, tracesBody } from './otlp.js';

const SCRIPT = 'https://shop.test/assets/main.js';
let dir: string;
let mapsDir: string;
let debugId: string;
let minified: (message: string) => string;
let c: Collector;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plume-collector-sm-'));
  const publicDir = join(dir, 'public');
  mapsDir = join(dir, 'maps');
  await build({
    entryPoints: [join(APP, 'main.js')], bundle: true, minify: true, format: 'esm', sourcemap: 'linked',
    outdir: join(publicDir, 'assets'), logLevel: 'error',
  });
  [{ debugId: debugId! }] = (await privateSourceMaps({ dir: publicDir, mapsDir })) as { debugId: string }[];
  // The app's error, as a page at SCRIPT would send it (V8's format).
  const stack = await throwFrom({ url: join(publicDir, 'assets/main.js') } as never);
  minified = (message) => stack.split(join(publicDir, 'assets/main.js')).join(SCRIPT).replace('no price for cake', message);
  c = await startCollector({ sourceMaps: mapsDir, log: () => {} });
});
afterAll(async () => {
  await c?.close();
  rmSync(dir, { recursive: true, force: true });
});

const exception = (message: string, extra: Record<string, unknown> = {}) => ({
  'exception.type': 'TypeError', 'exception.message': message, 'exception.stacktrace': minified(message), ...extra,
});

describe('--source-maps', () => {
  it('symbolicates log records and span events before storing them, and groups errors by the top original frame', async () => {
    expect((await post(c.url, 'logs', logsBody([{ service: 'shop-web', logs: [
      { time: T0 + 1n, severityNumber: 17, attributes: exception('no price for cake') },
      // Another message from the same throw: the same group.
      { time: T0 + 2n, severityNumber: 17, attributes: exception('no price for pie') },
      // A script served from elsewhere: found by its debug ID.
      { time: T0 + 3n, severityNumber: 17, attributes: {
        ...exception('no price for tart'), 'exception.stacktrace': minified('no price for tart').split(SCRIPT).join('https://cdn.test/b/c.js'),
        'plume.exception.debug_ids': [`https://cdn.test/b/c.js ${debugId}`],
      } },
      // A script without a map: left as it was, and said so on the record.
      { time: T0 + 4n, severityNumber: 17, attributes: {
        'exception.type': 'Error', 'exception.message': 'elsewhere', 'exception.stacktrace': 'Error: elsewhere\n    at x (https://other.test/x.js:1:5)',
      } },
    ] }]))).status).toBe(200);
    expect((await post(c.url, 'traces', tracesBody([{ service: 'shop-web', spans: [
      { traceId: traceId(), spanId: spanId(), name: 'click', start: T0, end: T0 + 5n, events: [{ name: 'exception', time: T0 + 5n, attributes: exception('no price for scone') }] },
    ] }]))).status).toBe(200);

    const want = expectedFrames()[0];
    const logs = c.query.logs();
    for (const log of logs.slice(0, 3)) {
      expect(log.attributes['exception.stacktrace']).toMatch(new RegExp(`^TypeError: no price for \\w+\\n {4}at priceOf \\(.*app/cart\\.js:${want.line}:${want.column}\\)`));
      // Line 2: plume/build put its debug ID snippet on line 1.
      expect(log.attributes['plume.exception.minified_stacktrace']).toMatch(/^ {4}at \w+ \(https:\/\/(shop|cdn)\.test\/.*\.js:2:\d+\)$/m);
      expect([log.attributes['code.function.name'], log.attributes['code.line.number'], log.attributes['code.column.number']]).toEqual(['priceOf', want.line, want.column]);
    }
    expect(logs[3].attributes['exception.stacktrace']).toBe('Error: elsewhere\n    at x (https://other.test/x.js:1:5)');
    expect(logs[3].attributes['plume.symbolication.unmapped_frames']).toBe(1);
    expect(logs[3].attributes['plume.symbolication.error']).toMatch(/no source map for https:\/\/other\.test\/x\.js/);
    const [span] = c.query.spans({ name: 'click' });
    expect(span.events[0].attributes['exception.stacktrace']).toMatch(/at priceOf \(/);
    expect(c.symbolication).toMatchObject({ symbolicated: 4, left: 1 });

    const { groups } = await (await fetch(`${c.url}/api/errors`)).json();
    const typeErrors = groups.filter((g: { type: string }) => g.type === 'TypeError');
    expect(typeErrors).toHaveLength(1);
    const [g] = typeErrors;
    expect(g.count).toBe(4);
    expect(g.topFrame).toMatch(new RegExp(`^priceOf \\(.*app/cart\\.js:${want.line}\\)$`));
    expect(g.minifiedStacktrace).toContain('.js:2:');
    const names = g.frames.filter((f: { mapped: boolean }) => f.mapped).map((f: { fn: string }) => f.fn);
    expect(names.slice(0, 4)).toEqual(['priceOf', 'totalOf', 'checkout', 'run']);
    // Source context from the map's sourcesContent: the frame's own line among a few around it.
    const top = g.frames[0];
    expect(top.context.lines.length).toBeGreaterThanOrEqual(5);
    expect(top.context.lines[want.line - top.context.first]).toContain('throw new TypeError(`no price for ${item.sku}`); // THROW');
    const other = groups.find((x: { type: string }) => x.type === 'Error');
    expect(other.topFrame).toBe('');
    expect(other.frames).toBeUndefined();
  });

  it('the CLI refuses a --source-maps that is not a folder', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'demo/collector/main.ts', '--port', '0', '--source-maps', join(dir, 'nope')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(2);
    expect(err).toContain('not a folder');
  });
});
