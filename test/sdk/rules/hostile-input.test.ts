// Issue 14.1 and its audit: the OTel error-handling rule is that the API never throws into the
// application, whatever object it is handed. Getters that throw, Proxies whose traps throw,
// names whose toString throws, exceptions whose fields throw: a value that cannot be read is
// dropped and counted like any other invalid attribute, and the call goes on.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../../src/sdk/config.js';
import { setup } from './core-harness.js';

const boom = () => { throw new Error('hostile'); };
const throwingGetter = (good: Record<string, unknown> = {}) => Object.defineProperty({ ...good }, 'bad', { get: boom, enumerable: true });
const hostileProxy = () => new Proxy({}, { get: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, has: boom, getPrototypeOf: boom });
const hostileString = () => ({ toString: boom, valueOf: boom, [Symbol.toPrimitive]: undefined });
const attrsOf = (item: any): Record<string, unknown> =>
  Object.fromEntries((item.attributes ?? []).map((a: any) => [a.key, Object.values(a.value)[0]]));

let warn: ReturnType<typeof vi.spyOn>;
beforeEach(() => { warn = vi.spyOn(console, 'warn').mockImplementation(() => {}); });
afterEach(() => vi.restoreAllMocks());

describe("issue 14.1: the five calls that threw into the caller", () => {
  it('startSpan with attributes that have a throwing getter: the span, its other attributes, the bad one counted', async () => {
    const { core, spans } = setup();
    expect(() => core.tracer.startSpan('x', { attributes: throwingGetter({ ok: 1 }) }).end()).not.toThrow();
    await core.flush();
    const [s] = spans();
    expect(attrsOf(s)).toEqual({ ok: '1' });
    expect(s.droppedAttributesCount).toBe(1);
  });

  it('startSpan with attributes a Proxy whose traps throw: the span, the attributes counted as dropped', async () => {
    const { core, spans } = setup();
    expect(() => core.tracer.startSpan('x', { attributes: hostileProxy() as never }).end()).not.toThrow();
    await core.flush();
    const [s] = spans();
    expect(s.name).toBe('x');
    expect(s.droppedAttributesCount).toBe(1);
  });

  it('startSpan with a name whose toString and valueOf throw: the span, named empty, and a warning', async () => {
    const { core, spans } = setup();
    expect(() => core.tracer.startSpan(hostileString() as never).end()).not.toThrow();
    await core.flush();
    expect(spans()).toHaveLength(1);
    expect(spans()[0].name ?? '').toBe('');
    expect(warn.mock.calls.flat().join('\n')).toContain('PLUME_W002');
  });

  it('recordException with an Error subclass whose stack getter throws: the event, without the stack', async () => {
    // V8 gives every Error an own stack property: the subclass puts its getter on the instance.
    class Weird extends Error {
      constructor(message: string) { super(message); Object.defineProperty(this, 'stack', { get: boom }); }
    }
    const { core, spans } = setup();
    const span = core.tracer.startSpan('x');
    expect(() => span.recordException(new Weird('bad thing'))).not.toThrow();
    span.end();
    await core.flush();
    const ev = spans()[0].events[0];
    expect(ev.name).toBe('exception');
    expect(attrsOf(ev)).toEqual({ 'exception.type': 'Error', 'exception.message': 'bad thing' });
  });

  it("recordException with an error whose message and name getters throw: the event, with its constructor's name", async () => {
    class Hostile extends Error {}
    const e = new Hostile();
    Object.defineProperty(e, 'message', { get: boom });
    Object.defineProperty(e, 'name', { get: boom });
    const { core, spans } = setup();
    const span = core.tracer.startSpan('x');
    expect(() => span.recordException(e)).not.toThrow();
    span.end();
    await core.flush();
    const ev = spans()[0].events[0];
    expect(ev.name).toBe('exception');
    expect(attrsOf(ev)['exception.type']).toBe('Hostile');
    expect(attrsOf(ev)['exception.message']).toBeUndefined();
  });
});

describe('the audit: every other path that reads a caller object', () => {
  it('span options whose getters throw, or a Proxy: a span with what could be read', async () => {
    const { core, spans } = setup();
    const opts = Object.defineProperty({ attributes: { a: 1 } }, 'kind', { get: boom, enumerable: true });
    expect(() => core.tracer.startSpan('getter', opts as never).end()).not.toThrow();
    expect(() => core.tracer.startSpan('proxy', hostileProxy() as never).end()).not.toThrow();
    expect(() => core.tracer.startActiveSpan('active', hostileProxy() as never, (s) => s.end())).not.toThrow();
    await core.flush();
    expect(spans().map((s: any) => s.name).sort()).toEqual(['active', 'getter', 'proxy']);
  });

  it('setAttribute with a Proxy array, setAttributes with a hostile object: counted, the rest kept', async () => {
    const { core, spans } = setup();
    const span = core.tracer.startSpan('x');
    const arr = new Proxy([1, 2], { get: boom });
    expect(() => span.setAttribute('arr', arr)).not.toThrow();
    expect(() => span.setAttributes(hostileProxy() as never)).not.toThrow();
    expect(() => span.setAttribute('ok', 'yes')).not.toThrow();
    span.end();
    await core.flush();
    const [s] = spans();
    expect(attrsOf(s)).toEqual({ ok: 'yes' });
    expect(s.droppedAttributesCount).toBe(2);
  });

  it('events, links, status, names and times that cannot be read', async () => {
    const { core, spans } = setup();
    const span = core.tracer.startSpan('x');
    const badDate = new Date();
    badDate.getTime = boom;
    expect(() => span.addEvent(hostileString() as never, throwingGetter({ k: 'v' }))).not.toThrow();
    expect(() => span.addEvent('timed', badDate)).not.toThrow();
    expect(() => span.addLink(Object.defineProperty({}, 'context', { get: boom, enumerable: true }) as never)).not.toThrow();
    const badContext = Object.defineProperty({ spanId: 'b7ad6b7169203331', traceFlags: 1 }, 'traceId', { get: boom });
    expect(() => span.addLink({ context: badContext as never })).not.toThrow();
    expect(() => span.addLinks(new Proxy([], { get: boom }) as never)).not.toThrow();
    expect(() => span.setStatus(Object.defineProperty({}, 'code', { get: boom }) as never)).not.toThrow();
    expect(() => span.updateName(hostileString() as never)).not.toThrow();
    expect(() => span.end(hostileProxy() as never)).not.toThrow();
    await core.flush();
    const [s] = spans();
    expect(s.events.map((e: any) => e.name ?? '')).toEqual(['', 'timed']);
    expect(attrsOf(s.events[0])).toEqual({ k: 'v' });
    expect(s.events[0].droppedAttributesCount).toBe(1);
    expect(s.links ?? []).toHaveLength(0);
    expect(s.droppedLinksCount).toBe(3);
    expect(s.name).toBe('x');
  });

  it('log records whose fields, attributes or body cannot be read: emitted with what can be, the rest counted', async () => {
    const { core, logs } = setup();
    const record = Object.defineProperty({ body: 'kept', attributes: throwingGetter({ a: 1 }) }, 'severityNumber',
      { get: boom, enumerable: true });
    expect(() => core.logger.emit(record as never)).not.toThrow();
    expect(() => core.logger.emit(hostileProxy() as never)).not.toThrow();
    expect(() => core.logger.emit({ body: hostileProxy(), attributes: hostileProxy() as never, exception: hostileProxy() })).not.toThrow();
    await core.flush();
    const got = logs();
    expect(got).toHaveLength(3);
    const kept = got.find((l: any) => l.body?.stringValue === 'kept');
    expect(attrsOf(kept)).toEqual({ a: '1' });
    expect(kept.droppedAttributesCount).toBe(1);
  });

  it('metrics: instrument options and names that cannot be read, and measurements with hostile attributes', async () => {
    const { core, metrics } = setup();
    const opts = Object.defineProperty({ unit: 'ms' }, 'advice', { get: boom, enumerable: true });
    let h: { record(v: number, a?: object): void } | undefined;
    expect(() => { h = core.meter.createHistogram('h', opts as never); }).not.toThrow();
    expect(() => h!.record(5, throwingGetter({ route: '/a' }))).not.toThrow();
    expect(() => core.meter.createCounter(hostileString() as never)).not.toThrow();
    expect(() => core.getMeter(hostileString() as never)).not.toThrow();
    expect(() => core.getTracer(hostileString() as never)).not.toThrow();
    expect(() => core.getLogger('ok', hostileString() as never)).not.toThrow();
    await core.flush();
    const m = metrics().find((x: any) => x.name === 'h');
    expect(m.unit).toBe('ms');
    expect(attrsOf(m.histogram.dataPoints[0])).toEqual({ route: '/a' });
  });

  it('beforeSend that sets a name or attribute values that are not valid: they are validated as any input', async () => {
    const { core, spans } = setup({
      beforeSend: (span: any) => {
        span.name = hostileString();
        span.attributes.obj = { nested: true };
        span.attributes.arr = new Proxy([1], { get: boom });
        return span;
      },
    });
    core.tracer.startSpan('x', { attributes: { keep: 'me' } }).end();
    await core.flush();
    const [s] = spans();
    expect(s.name ?? '').toBe('');
    expect(attrsOf(s)).toEqual({ keep: 'me' });
    expect(s.droppedAttributesCount).toBe(2);
  });

  it("init's config with a getter or Proxy trap that throws: PLUME_W002, the rest stands; a missing endpoint a TypeError", () => {
    const config = Object.defineProperty({ endpoint: 'https://c.example', serviceName: 'svc' }, 'debug', { get: boom, enumerable: true });
    expect(resolveConfig(config, undefined)).toMatchObject({ endpoint: 'https://c.example', serviceName: 'svc', debug: false });
    expect(() => resolveConfig(hostileProxy(), undefined)).toThrow(TypeError);
    expect(warn.mock.calls.flat().join('\n')).toMatch(/PLUME_W002 config\.debug could not be read/);
  });
});
