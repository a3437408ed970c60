// Issue 13's must-show, in node: a library written against @opentelemetry/api and api-logs,
// after init() alone (no bridge, no registration call). Every span, log record and metric it
// makes is delivered with its scope name and version and the right trace and parent ids, as
// @bufbuild/protobuf decodes the bytes; one context between the API and Plume, both ways.
import { beforeAll, describe, expect, it } from 'vitest';
import { captured, plume } from './init-first.js';
import * as lib from './library.js';
import { attr, type Delivered } from './harness.js';
import { REMOTE_SPAN, REMOTE_TRACE, scenario, type Ids } from './scenario.js';

describe('a library on @opentelemetry/api, after init() alone', () => {
  let d: Delivered;
  let headers: Record<string, string> = {};
  let sawPlumeSpan = false;
  let app: Ids;
  let outer: Ids;
  let served: Ids;

  beforeAll(async () => {
    ({ app, outer, served, headers, sawPlumeSpan } = await scenario(plume));
    d = captured.delivered();
  });

  const span = (name: string) => {
    const s = d.spans.find((x) => x.name === name);
    expect(s, `span ${name}`).toBeDefined();
    return s;
  };

  it("trace.getActiveSpan() inside Plume's startActiveSpan is Plume's span", () => {
    expect(sawPlumeSpan).toBe(true);
  });

  it('spans nested through the API, under the app span, with the scope name and version', () => {
    const click = span('app.click');
    const checkout = span('acme.checkout');
    const price = span('acme.price');
    expect(click.scope).toMatchObject({ name: 'plume' });
    for (const s of [checkout, price]) expect(s.scope).toEqual({ name: lib.NAME, version: lib.VERSION });
    expect(click.traceId).toBe(app.traceId);
    expect(checkout.traceId).toBe(app.traceId);
    expect(checkout.parentSpanId).toBe(app.spanId);
    expect(price.traceId).toBe(app.traceId);
    expect(price.parentSpanId).toBe(checkout.spanId);
    expect(checkout.kind).toBe('SPAN_KIND_INTERNAL');
    expect(checkout.status).toMatchObject({ code: 'STATUS_CODE_OK' });
    expect(attr(checkout, 'acme.items')).toBe('2');
  });

  it("Plume's span inside the library's span is its child", () => {
    const o = span('acme.outer');
    const inside = span('app.inside');
    expect(o.spanId).toBe(outer.spanId);
    expect(inside.traceId).toBe(outer.traceId);
    expect(inside.parentSpanId).toBe(outer.spanId);
  });

  it('a remote parent extracted through the API: same trace, its span the parent, its tracestate kept', () => {
    const s = span('acme.serve');
    expect(s.traceId).toBe(REMOTE_TRACE);
    expect(served.traceId).toBe(REMOTE_TRACE);
    expect(s.parentSpanId).toBe(REMOTE_SPAN);
    expect(s.kind).toBe('SPAN_KIND_SERVER');
    expect(s.traceState).toBe('acme=1,other=x');
    expect(s.flags & 0x300).toBe(0x300); // the parent is known to be remote
  });

  it("the API's inject writes the library's span and the API baggage", () => {
    const checkout = span('acme.checkout');
    expect(headers.traceparent).toBe(`00-${app.traceId}-${checkout.spanId}-01`);
    expect(headers.baggage).toBe('acme.tier=gold');
  });

  it('log records of api-logs and of the API 1.10 logs, with the active span ids and their scope', () => {
    const checkout = span('acme.checkout');
    const price = span('acme.price');
    const out = d.logs.find((l) => l.eventName === 'acme.checkout');
    expect(out.scope).toEqual({ name: lib.NAME, version: lib.VERSION });
    expect(out.traceId).toBe(app.traceId);
    expect(out.spanId).toBe(checkout.spanId);
    expect(out.severityNumber).toBe('SEVERITY_NUMBER_INFO');
    expect(out.body).toEqual({ stringValue: 'checked out' });
    const priced = d.logs.find((l) => l.eventName === 'acme.priced');
    expect(priced.scope).toEqual({ name: `${lib.NAME}.api`, version: lib.VERSION });
    expect(priced.spanId).toBe(price.spanId);
    const failed = d.logs.find((l) => l.body?.stringValue === 'failed');
    expect(attr(failed, 'exception.type')).toBe('TypeError');
    expect(attr(failed, 'exception.message')).toBe('out of stock');
    expect(String(attr(failed, 'exception.stacktrace'))).toContain('TypeError: out of stock');
  });

  it('metrics: a counter with the API baggage as attribute, a histogram, an observable and a batch observable', () => {
    const m = (name: string) => d.metrics.find((x) => x.name === name);
    for (const name of ['acme.orders', 'acme.price', 'acme.queue.length', 'acme.stock']) {
      expect(m(name), name).toBeDefined();
      expect(m(name).scope).toEqual({ name: lib.NAME, version: lib.VERSION });
    }
    expect(m('acme.orders').sum.dataPoints[0]).toMatchObject({ asInt: '1' });
    expect(attr(m('acme.orders').sum.dataPoints[0], 'acme.tier')).toBe('gold');
    expect(m('acme.price').histogram.dataPoints[0]).toMatchObject({ count: '1', sum: 19 });
    // Recorded inside a sampled span: its exemplar points at that span.
    expect(m('acme.price').histogram.dataPoints[0].exemplars).toHaveLength(1);
    expect(m('acme.queue.length').gauge.dataPoints[0]).toMatchObject({ asDouble: 3 });
    expect(m('acme.stock').sum.dataPoints[0]).toMatchObject({ asDouble: 42 });
    expect(attr(m('acme.stock').sum.dataPoints[0], 'acme.sku')).toBe('a-1');
  });
});
