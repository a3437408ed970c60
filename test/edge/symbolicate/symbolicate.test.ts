// The symbolication core against real minified builds (esbuild, rollup + terser) of a small
// app, real V8 stacks from running them, and their SpiderMonkey/JavaScriptCore form. The
// browsers' own stacks are checked in test/browser/sourcemaps.spec.ts.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ATTR, bindingSource, createSymbolicator, debugIdComment, parseStack, sourceMappingUrl, symbolicateOtlpJson,
  type StackResult, type SymbolicatorOptions,
} from '../../../src/edge/symbolicate/index.js';
import { asGecko, buildEsbuild, buildRollup, expectedFrames, throwFrom, type Built } from './fixture.js';

const quiet: Pick<SymbolicatorOptions, 'onProblem'> = { onProblem: () => {} };
let esb: Built;
let rol: Built;
let esbStack: string;
let rolStack: string;

beforeAll(async () => {
  esb = await buildEsbuild();
  rol = await buildRollup();
  esbStack = await throwFrom(esb);
  rolStack = await throwFrom(rol);
});
afterAll(() => { esb?.remove(); rol?.remove(); });

/** The app's frames of a result (the test runner's own frames below them have no map). */
const appFrames = (r: StackResult, built: Built) => r.frames.filter((f) => f.minified.url === built.url);

function expectOriginal(r: StackResult, built: Built) {
  const want = expectedFrames();
  const got = appFrames(r, built);
  expect(got).toHaveLength(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(got[i].mapped, `frame ${i}`).toBe(true);
    expect(got[i].file.endsWith(`symbolicate/app/${want[i].file}`), `frame ${i}: ${got[i].file}`).toBe(true);
    expect([got[i].line, got[i].column], `frame ${i}`).toEqual([want[i].line, want[i].column]);
    // The outermost frame has no caller in the map: it keeps the engine's name.
    if (i < want.length - 1) expect(got[i].fn, `frame ${i}`).toBe(want[i].fn);
  }
}

describe('V8 stacks from real minified builds', () => {
  test('esbuild --minify --sourcemap, map kept private: every app frame maps to its place and name', async () => {
    const s = createSymbolicator({ source: esb.source, ...quiet });
    const [r] = await s.symbolicate([{ stack: esbStack }]);
    expectOriginal(r, esb);
    const lines = r.stack.split('\n');
    expect(lines[0]).toBe('TypeError: no price for cake');
    expect(lines[1]).toMatch(/^ {4}at priceOf \(.*symbolicate\/app\/cart\.js:16:11\)$/);
    // Frames without a map stay exactly as they were.
    const before = esbStack.split('\n');
    for (let i = 0; i < lines.length; i++) if (!before[i].includes(esb.url)) expect(lines[i]).toBe(before[i]);
    expect(r.top?.fn).toBe('priceOf');
  });

  test('rollup + terser, found by the debug ID rollup wrote (the URL is never asked)', async () => {
    expect(rol.debugId).toMatch(/^[0-9a-f-]{36}$/);
    const s = createSymbolicator({ source: rol.source, ...quiet });
    rol.asked.length = 0;
    const [r] = await s.symbolicate([{ stack: rolStack, debugIds: new Map([[rol.url, rol.debugId!]]) }]);
    expectOriginal(r, rol);
    expect(rol.asked).toContain(rol.debugId);
    expect(rol.asked).not.toContain(`${rol.url}.map`);
  });

  test('the sourceMappingURL the build wrote finds a map with another name', async () => {
    const linked = await buildEsbuild({ linked: true });
    try {
      const stack = await throwFrom(linked);
      const s = createSymbolicator({ source: linked.source, ...quiet });
      const [r] = await s.symbolicate([{ stack }]);
      expectOriginal(r, linked);
      expect(linked.asked).toContain(`${linked.url}.map`);
      expect(linked.asked).toContain(linked.url);
      expect(linked.asked).toContain(`${linked.url}.sourcemap.map`);
    } finally {
      linked.remove();
    }
  });

  test('an inline data: map in the script', async () => {
    const map = await esb.source(`${esb.url}.map`);
    const script = (await esb.source(esb.url))!;
    const inline = `${script}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(map!).toString('base64')}\n`;
    const s = createSymbolicator({ source: async (ref) => (ref === esb.url ? inline : null), ...quiet });
    const [r] = await s.symbolicate([{ stack: esbStack }]);
    expectOriginal(r, esb);
  });
});

describe('SpiderMonkey / JavaScriptCore stacks (fn@url:line:col)', () => {
  test('the same positions map the same, written back in that format', async () => {
    const gecko = asGecko(esbStack);
    expect(gecko.split('\n')[0]).toMatch(/^\w+@\/tmp\//);
    const s = createSymbolicator({ source: esb.source, ...quiet });
    const [r] = await s.symbolicate([{ stack: gecko }]);
    expectOriginal(r, esb);
    expect(r.stack.split('\n')[0]).toMatch(/^priceOf@.*symbolicate\/app\/cart\.js:16:11$/);
  });

  test('anonymous, async and nested-name frames; eval and native frames are left as they were', () => {
    const p = parseStack([
      '@https://x.test/a.js:1:10',
      'async*outer/inner<@https://x.test/a.js:2:20',
      'eval@https://x.test/a.js line 3 > eval:1:5',
      'anonymous@https://x.test/a.js line 4 > Function:1:1',
      'dispatchEvent@[native code]',
      'global code@https://x.test/a.js:5:1',
    ].join('\n'), 100);
    expect(p.frames.map((f) => [f.lead, f.fn, f.url, f.line, f.column])).toEqual([
      ['', '', 'https://x.test/a.js', 1, 10],
      ['async*', 'outer/inner<', 'https://x.test/a.js', 2, 20],
      ['', 'global code', 'https://x.test/a.js', 5, 1],
    ]);
  });

  test('V8 forms: async, new, [as alias], eval, native', () => {
    const p = parseStack([
      'Error: x',
      '    at async n (https://x.test/a.js:1:2)',
      '    at new Cart (https://x.test/a.js:1:3)',
      '    at Object.n [as total] (https://x.test/a.js:1:4)',
      '    at https://x.test/a.js:1:5',
      '    at eval (eval at compute (https://x.test/a.js:1:100), <anonymous>:1:1)',
      '    at Array.map (<anonymous>)',
      '    at async Promise.all (index 0)',
    ].join('\n'), 100);
    expect(p.frames.map((f) => [f.lead, f.fn, f.column])).toEqual([
      ['    at async ', 'n', 2], ['    at ', 'new Cart', 3], ['    at ', 'Object.n [as total]', 4], ['    at ', '', 5],
    ]);
    expect(p.unmappable).toBe(3);
  });
});

describe('attributes', () => {
  test('code.* follow the top mapped frame, the minified stack is kept, debug IDs are read from the record', async () => {
    const s = createSymbolicator({ source: rol.source, ...quiet });
    const bag: Record<string, unknown> = {
      'exception.type': 'TypeError',
      [ATTR.stacktrace]: rolStack,
      [ATTR.debugIds]: [`${rol.url} ${rol.debugId}`],
      'code.file.path': rol.url, 'code.line.number': 1, 'code.column.number': 163,
    };
    expect(await s.symbolicateAttributes([bag])).toBe(1);
    const want = expectedFrames()[0];
    expect(bag[ATTR.minified]).toBe(rolStack);
    expect(bag[ATTR.stacktrace]).not.toBe(rolStack);
    expect(String(bag['code.file.path']).endsWith('app/cart.js')).toBe(true);
    expect([bag['code.line.number'], bag['code.column.number'], bag['code.function.name']]).toEqual([want.line, want.column, 'priceOf']);
    // The test runner's frames have no map: counted on the record.
    expect(bag[ATTR.unmapped]).toBeGreaterThan(0);
    expect(bag[ATTR.error]).toMatch(/no source map for/);
    // A second pass does nothing: the record says it was symbolicated.
    expect(await s.symbolicateAttributes([bag])).toBe(0);
  });

  test('OTLP/JSON: log records and span events, in the same shape', async () => {
    const s = createSymbolicator({ source: esb.source, ...quiet });
    const attrs = () => [
      { key: 'exception.type', value: { stringValue: 'TypeError' } },
      { key: 'exception.stacktrace', value: { stringValue: esbStack } },
    ];
    const logs = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ attributes: attrs() }, { attributes: [] }] }] }] };
    const traces = { resourceSpans: [{ scopeSpans: [{ spans: [{ events: [{ name: 'exception', attributes: attrs() }] }] }] }] };
    expect(await symbolicateOtlpJson(s, 'logs', logs)).toBe(1);
    expect(await symbolicateOtlpJson(s, 'traces', traces)).toBe(1);
    for (const list of [logs.resourceLogs[0].scopeLogs[0].logRecords[0].attributes, traces.resourceSpans[0].scopeSpans[0].spans[0].events[0].attributes]) {
      const get = (k: string) => list.find((kv) => kv.key === k)?.value as Record<string, string> | undefined;
      expect(get('exception.stacktrace')?.stringValue).toMatch(/at priceOf \(/);
      expect(get(ATTR.minified)?.stringValue).toBe(esbStack);
      expect(get('code.line.number')).toEqual({ intValue: String(expectedFrames()[0].line) });
      expect(get('code.function.name')).toEqual({ stringValue: 'priceOf' });
    }
    // Garbage in: nothing thrown, nothing changed.
    for (const bad of [null, 7, { resourceLogs: 'x' }, { resourceLogs: [{ scopeLogs: [null, { logRecords: [7] }] }] }]) {
      expect(await symbolicateOtlpJson(s, 'logs', bad)).toBe(0);
    }
  });
});

describe('bad input never breaks the path: the stack stays as it was, and is counted', () => {
  const leftAsIs = async (options: Partial<SymbolicatorOptions>, stack = esbStack) => {
    const problems: string[] = [];
    const s = createSymbolicator({ source: esb.source, onProblem: (m) => problems.push(m), ...options });
    const [r] = await s.symbolicate([{ stack }]);
    expect(r.stack).toBe(stack);
    expect(r.mapped).toBe(0);
    return { r, s, problems };
  };

  test('a malformed map', async () => {
    for (const text of ['not json', '{"version":3}', '{"version":3,"mappings":"!!!!","sources":[],"names":[]}', '[]', 'null']) {
      const { r, s } = await leftAsIs({ source: async (ref) => (ref.endsWith('.map') ? text : null) });
      expect(r.unmapped).toBe(r.frames.length);
      expect(s.stats.left).toBe(1);
      expect(r.problem, text).toMatch(/malformed|maps to nothing|no source map/);
    }
  });

  test('a map over maxMapBytes is refused before it is parsed', async () => {
    const { r, s } = await leftAsIs({ maxMapBytes: 100 });
    expect(r.problem).toMatch(/over maxMapBytes \(100\)/);
    expect(s.stats.maps.failed).toBeGreaterThan(0);
    expect(s.stats.maps.parsed).toBe(0);
  });

  test('a missing map, a source that throws, a source that answers something else', async () => {
    await leftAsIs({ source: async () => null });
    const thrown = await leftAsIs({ source: async () => { throw new Error('R2 is down'); } });
    expect(thrown.r.problem).toMatch(/R2 is down/);
    const odd = await leftAsIs({ source: (async () => ({ not: 'a string' })) as never });
    expect(odd.r.problem).toMatch(/not a string/);
  });

  test('a source that never answers: the request goes on after timeoutMillis', async () => {
    const { r, s } = await leftAsIs({ source: () => new Promise<string>(() => {}), timeoutMillis: 50 });
    expect(r.problem).toMatch(/timed out/);
    expect(s.stats.timeouts).toBeGreaterThan(0);
  });

  test('a frame that maps nowhere', async () => {
    const top = parseStack(esbStack, 1).frames[0];
    const stack = esbStack.replace(`main.js:${top.line}:${top.column})`, 'main.js:999:1)');
    const s = createSymbolicator({ source: esb.source, ...quiet });
    const [r] = await s.symbolicate([{ stack }]);
    expect(r.stack.split('\n')[1]).toBe(stack.split('\n')[1]);
    expect(r.problem).toMatch(/999:1 maps to nothing/);
    expect(appFrames(r, esb).filter((f) => f.mapped)).toHaveLength(expectedFrames().length - 1);
  });

  test('a stack in no known format, and empty or huge input', async () => {
    const { r, s } = await leftAsIs({}, 'Error: boom\n  somewhere in the code, line 4');
    expect(r.problem).toBe('unknown stack format');
    expect(s.stats.unknownFormat).toBe(1);
    await leftAsIs({}, '');
    await leftAsIs({}, `Error\n    at x (${'a'.repeat(100_000)}:1:1)`);
  });

  test('more scripts than maxScripts in one request: the rest are not looked up', async () => {
    const asked: string[] = [];
    const stack = Array.from({ length: 30 }, (_, i) => `    at f (https://x.test/s${i}.js:1:1)`).join('\n');
    const s = createSymbolicator({ source: async (ref) => { asked.push(ref); return null; }, maxScripts: 5, ...quiet });
    const [r] = await s.symbolicate([{ stack }]);
    expect(r.unmapped).toBe(30);
    expect(new Set(asked.map((a) => a.replace(/\.map$/, ''))).size).toBe(5);
  });

  test('options that cannot work are a TypeError', () => {
    expect(() => createSymbolicator({ source: 'maps/' as never })).toThrow(TypeError);
    expect(() => createSymbolicator({ source: async () => null, maxCacheBytes: -1 })).toThrow(TypeError);
    expect(() => createSymbolicator(undefined as never)).toThrow(TypeError);
  });
});

describe('the map cache', () => {
  test('concurrent requests for one map: one read, one parse', async () => {
    let reads = 0;
    const s = createSymbolicator({ source: async (ref) => { reads++; return esb.source(ref); }, ...quiet });
    const results = await Promise.all(Array.from({ length: 10 }, () => s.symbolicate([{ stack: esbStack }])));
    for (const [r] of results) expectOriginal(r, esb);
    expect(s.stats.maps.parsed).toBe(1);
    // One read for the app's map; the runner's scripts (no map) are asked once each too.
    const runnerScripts = new Set(parseStack(esbStack, 200).frames.map((f) => f.url).filter((u) => u !== esb.url)).size;
    expect(reads).toBe(1 + runnerScripts * 2);
  });

  test('a missing map is remembered (bounded, for missTtlMillis), then asked for again', async () => {
    let reads = 0;
    const stack = '    at f (https://x.test/gone.js:1:1)';
    const s = createSymbolicator({ source: async () => { reads++; return null; }, missTtlMillis: 40, ...quiet });
    await s.symbolicate([{ stack }]);
    const first = reads;
    await s.symbolicate([{ stack }]);
    expect(reads).toBe(first);
    const deadline = Date.now() + 5000;
    while (Date.now() - deadline < 0 && reads === first) {
      await new Promise((r) => setTimeout(r, 50));
      await s.symbolicate([{ stack }]);
    }
    expect(reads).toBeGreaterThan(first);
  });

  test('an LRU under maxCacheBytes, by map text length', async () => {
    const mapText = (await esb.source(`${esb.url}.map`))!;
    const scripts = ['a', 'b', 'c'].map((n) => `https://x.test/${n}.js`);
    const s = createSymbolicator({
      source: async (ref) => (ref.endsWith('.js.map') ? mapText : null),
      maxCacheBytes: mapText.length * 2, ...quiet,
    });
    const top = parseStack(esbStack, 1).frames[0];
    const stackOf = (url: string) => `    at u (${url}:${top.line}:${top.column})`;
    for (const url of scripts) await s.symbolicate([{ stack: stackOf(url) }]);
    expect(s.stats.maps.parsed).toBe(3);
    expect(s.stats.maps.evicted).toBe(1);
    expect(s.stats.maps.bytes).toBe(mapText.length * 2);
    // b and c are still there; a was evicted and is parsed again.
    await s.symbolicate([{ stack: stackOf(scripts[2]) }]);
    expect(s.stats.maps.parsed).toBe(3);
    await s.symbolicate([{ stack: stackOf(scripts[0]) }]);
    expect(s.stats.maps.parsed).toBe(4);
  });
});

describe('map sources', () => {
  const mapOf = () => esb.source(`${esb.url}.map`) as Promise<string>;
  const scriptUrl = 'https://shop.test/assets/main.js';
  const stack = () => esbStack.split(esb.url).join(scriptUrl);

  test('a KV namespace (get → string), keyed by the URL path', async () => {
    const text = await mapOf();
    const keys: string[] = [];
    const kv = { get: async (k: string) => { keys.push(k); return k === 'assets/main.js.map' ? text : null; } };
    const [r] = await createSymbolicator({ source: kv, ...quiet }).symbolicate([{ stack: stack() }]);
    expect(r.mapped).toBe(5);
    expect(keys[0]).toBe('assets/main.js.map');
  });

  test('an R2 bucket (get → object with text()), by debug ID', async () => {
    const text = await mapOf();
    const id = '85314830-023f-4cf1-a267-535f4e37bb17';
    const r2 = { get: async (k: string) => (k === `debug-id/${id}.map` ? { text: async () => text } : null) };
    const [r] = await createSymbolicator({ source: r2, ...quiet }).symbolicate([{ stack: stack(), debugIds: new Map([[scriptUrl, id]]) }]);
    expect(r.mapped).toBe(5);
  });

  test('a Fetcher (static assets or a disk service): only a 200 counts', async () => {
    const text = await mapOf();
    const paths: string[] = [];
    const assets = {
      // workerd's Fetcher has a get(url) too, an HTTP helper: the source must not take it for KV's (workerd.test.ts reads a real one).
      get: async () => { throw new Error('Network connection lost.'); },
      fetch: async (u: string) => {
        const path = new URL(u).pathname;
        paths.push(path);
        return path === '/assets/main.js.map' ? new Response(text) : new Response('<html>not found</html>', { status: 404 });
      },
    };
    const [r] = await createSymbolicator({ source: bindingSource(assets), ...quiet }).symbolicate([{ stack: stack() }]);
    expect(r.mapped).toBe(5);
    expect(paths[0]).toBe('/assets/main.js.map');
    expect(() => bindingSource({} as never)).toThrow(TypeError);
  });

  test('comments read from a script: sourceMappingURL and debugId (the last one wins)', () => {
    const id = '85314830-023f-4cf1-a267-535f4e37bb17';
    const script = `var a=1;\n//# sourceMappingURL=old.map\n//# sourceMappingURL=main.js.map\n//# debugId=${id}\n`;
    expect(sourceMappingUrl(script)).toBe('main.js.map');
    expect(debugIdComment(script)).toBe(id);
    expect(sourceMappingUrl('var s = "//# sourceMappingURL=x.map";')).toBeUndefined();
  });
});
