// Random OTLP/JSON requests for the differential fuzz test (fuzz.test.ts): every field of
// every signal, every AnyValue kind nested a few levels, every metric data kind with
// exemplars, structured log bodies, the awkward values (int64 and uint64 extremes, NaN,
// ±Infinity, -0, empty strings and bytes, non-ASCII and lone surrogates, enums outside
// their range), at a size chosen by the caller. Deterministic for a seed.
import type { Signal } from '../helpers/otlp-schema.js';

/** sfc32: a small seeded PRNG, good enough to pick shapes and values. */
export function prng(seed: number): () => number {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b | 0) + d | 0;
    d = d + 1 | 0;
    a = b ^ (b >>> 9);
    b = c + (c << 3) | 0;
    c = (c << 21) | (c >>> 11);
    c = c + t | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let k = 0; k < 16; k++) next();
  return next;
}

type Json = Record<string, unknown>;

export class Gen {
  constructor(readonly random: () => number) {}
  int(n: number): number { return Math.floor(this.random() * n); }
  chance(p: number): boolean { return this.random() < p; }
  pick<T>(list: readonly T[]): T { return list[this.int(list.length)]; }
  times<T>(max: number, f: (k: number) => T): T[] { return Array.from({ length: this.int(max + 1) }, (_, k) => f(k)); }

  hex(bytes: number): string {
    let s = '';
    for (let k = 0; k < bytes; k++) s += this.int(256).toString(16).padStart(2, '0');
    return this.chance(0.05) ? s.toUpperCase() : s;
  }

  private static readonly WORDS = ['http', 'GET', 'cart', 'session.id', 'browser', 'route', 'ms', 'x', 'api', 'user_agent.original'];
  private static readonly ODD = ['café', '日本語', '😀', '𝄞', 'Zürich 🇨🇭', '\u0000', '\u2028', 'a\uD800b', '\uDC00'];
  text(max = 24): string {
    if (this.chance(0.08)) return '';
    if (this.chance(0.02)) return 'x'.repeat(200 + this.int(3000));
    let s = '';
    const n = 1 + this.int(4);
    for (let k = 0; k < n && s.length < max; k++) {
      s += (k ? this.pick(['.', '/', ' ', '-']) : '') + (this.chance(0.1) ? this.pick(Gen.ODD) : this.pick(Gen.WORDS));
    }
    return s;
  }

  /** A uint64 as OTLP/JSON allows it: a decimal string (any value) or a safe integer number. */
  uint64(): string | number {
    const r = this.random();
    if (r < 0.05) return this.pick(['0', 0, '18446744073709551615', '9223372036854775808']);
    if (r < 0.35) return this.int(2 ** 31) * 2 ** 21 + this.int(2 ** 21); // a safe integer
    let v = 0n;
    for (let k = 0; k < 4; k++) v = (v << 16n) | BigInt(this.int(65536));
    return String(this.chance(0.5) ? v : 1764614400000000000n + (v >> 24n));
  }
  int64(): string | number {
    const r = this.random();
    if (r < 0.08) return this.pick(['-9223372036854775808', '9223372036854775807', '-1', -1, 0, '0']);
    if (r < 0.5) return (this.chance(0.3) ? -1 : 1) * this.int(2 ** 40);
    let v = 0n;
    for (let k = 0; k < 4; k++) v = (v << 16n) | BigInt(this.int(65536));
    return String(BigInt.asIntN(64, v));
  }
  /** A double as OTLP/JSON allows it (-0 too: written even where 0 is a proto3 default, as its bits are not 0). */
  double(): number | string {
    const r = this.random();
    if (r < 0.1) return this.pick(['NaN', 'Infinity', '-Infinity', 0, 5e-324, 1.7976931348623157e308, -2.5, 1e-300]);
    if (r < 0.13) return -0;
    if (r < 0.5) return this.int(100000) - 20000;
    return (this.random() - 0.3) * 10 ** (this.int(20) - 6);
  }
  base64(): string {
    const bytes = Uint8Array.from({ length: this.chance(0.1) ? 0 : this.int(this.chance(0.05) ? 5000 : 40) }, () => this.int(256));
    return Buffer.from(bytes).toString('base64');
  }
  /** uint32 counts and flags, mostly small, sometimes 0 or large. */
  u32(): number { return this.chance(0.6) ? 0 : this.chance(0.8) ? this.int(300) : this.int(2 ** 32); }
  /** An enum value: mostly known ones, sometimes outside the enum (open enums keep them). */
  enumOf(n: number): number { return this.chance(0.04) ? this.pick([n + 3, -1, 2 ** 31 - 1]) : this.int(n); }

  anyValue(depth: number): Json {
    const kinds = depth >= 6 ? 5 : 7;
    switch (this.int(kinds + 1)) {
      case 0: return { stringValue: this.text() };
      case 1: return { boolValue: this.chance(0.5) };
      case 2: return { intValue: this.int64() };
      case 3: return { doubleValue: this.double() };
      case 4: return { bytesValue: this.base64() };
      case 5: return {}; // an AnyValue with no member set
      case 6: return { arrayValue: this.chance(0.05) ? {} : { values: this.times(4, () => this.anyValue(depth + 1)) } };
      default: return { kvlistValue: this.chance(0.05) ? {} : { values: this.times(4, () => this.keyValue(depth + 1)) } };
    }
  }
  keyValue(depth = 0): Json {
    return this.chance(0.03) ? { key: this.text() } : { key: this.text(), value: this.anyValue(depth) };
  }
  attributes(max: number): Json[] { return this.times(max, () => this.keyValue()); }

  private resource(): Json | undefined {
    if (this.chance(0.1)) return undefined;
    const r: Json = { attributes: [{ key: 'service.name', value: { stringValue: this.text() } }, ...this.attributes(6)] };
    if (this.chance(0.3)) r.droppedAttributesCount = this.u32();
    if (this.chance(0.2)) {
      r.entityRefs = this.times(2, () => ({
        schemaUrl: this.text(), type: this.text(),
        idKeys: this.times(3, () => this.text()), descriptionKeys: this.times(2, () => this.text()),
      }));
    }
    return r;
  }
  private scope(): Json | undefined {
    if (this.chance(0.1)) return undefined;
    const s: Json = { name: this.text() };
    if (this.chance(0.5)) s.version = this.text();
    if (this.chance(0.3)) s.attributes = this.attributes(3);
    if (this.chance(0.2)) s.droppedAttributesCount = this.u32();
    return s;
  }

  span(): Json {
    const s: Json = {
      traceId: this.hex(16), spanId: this.hex(8), name: this.text(40), kind: this.enumOf(6),
      startTimeUnixNano: this.uint64(), endTimeUnixNano: this.uint64(), attributes: this.attributes(10),
    };
    if (this.chance(0.7)) s.parentSpanId = this.chance(0.1) ? '' : this.hex(8);
    if (this.chance(0.3)) s.traceState = this.text();
    if (this.chance(0.5)) s.flags = this.chance(0.5) ? this.pick([1, 0x101, 0x301]) : this.u32();
    if (this.chance(0.2)) s.droppedAttributesCount = this.u32();
    if (this.chance(0.4)) {
      s.events = this.times(4, () => ({
        timeUnixNano: this.uint64(), name: this.text(), attributes: this.attributes(4),
        ...(this.chance(0.2) ? { droppedAttributesCount: this.u32() } : {}),
      }));
    }
    if (this.chance(0.2)) s.droppedEventsCount = this.u32();
    if (this.chance(0.3)) {
      s.links = this.times(3, () => ({
        traceId: this.hex(16), spanId: this.hex(8), attributes: this.attributes(3),
        ...(this.chance(0.3) ? { traceState: this.text() } : {}),
        ...(this.chance(0.3) ? { droppedAttributesCount: this.u32() } : {}),
        ...(this.chance(0.5) ? { flags: this.u32() } : {}),
      }));
    }
    if (this.chance(0.2)) s.droppedLinksCount = this.u32();
    if (this.chance(0.6)) {
      s.status = this.chance(0.2) ? {} : { code: this.enumOf(3), ...(this.chance(0.5) ? { message: this.text() } : {}) };
    }
    return s;
  }

  private exemplars(): Json[] {
    return this.times(3, () => {
      const e: Json = { filteredAttributes: this.attributes(2) };
      if (this.chance(0.8)) e.timeUnixNano = this.uint64();
      const v = this.int(3);
      if (v === 1) e.asDouble = this.double();
      else if (v === 2) e.asInt = this.int64();
      if (this.chance(0.6)) e.spanId = this.hex(8);
      if (this.chance(0.6)) e.traceId = this.hex(16);
      return e;
    });
  }
  private pointHead(): Json {
    const p: Json = { attributes: this.attributes(4) };
    if (this.chance(0.7)) p.startTimeUnixNano = this.uint64();
    if (this.chance(0.9)) p.timeUnixNano = this.uint64();
    if (this.chance(0.2)) p.flags = this.u32();
    return p;
  }
  private counts(n: number): (string | number)[] {
    return Array.from({ length: n }, () => (this.chance(0.1) ? this.uint64() : this.chance(0.5) ? this.int(1000) : String(this.int(1000))));
  }
  private optional(p: Json, keys: string[]): void {
    for (const k of keys) if (this.chance(0.7)) p[k] = this.double();
  }

  metric(): Json {
    const m: Json = { name: this.text(40) };
    if (this.chance(0.4)) m.description = this.text();
    if (this.chance(0.6)) m.unit = this.pick(['ms', 's', '1', 'By', '{request}', '']);
    if (this.chance(0.1)) m.metadata = this.attributes(2);
    const temporality = (): Json => (this.chance(0.9) ? { aggregationTemporality: this.enumOf(3) } : {});
    const points = <T>(f: () => T): T[] => Array.from({ length: 1 + this.int(8) }, f);
    switch (this.int(6)) {
      case 0: case 1: {
        const number = (): Json => {
          const p = this.pointHead();
          const v = this.int(5);
          if (v < 2) p.asDouble = this.double();
          else if (v < 4) p.asInt = this.int64();
          if (this.chance(0.3)) p.exemplars = this.exemplars();
          return p;
        };
        if (this.chance(0.5)) m.gauge = { dataPoints: points(number) };
        else m.sum = { ...temporality(), ...(this.chance(0.5) ? { isMonotonic: this.chance(0.5) } : {}), dataPoints: points(number) };
        break;
      }
      case 2: {
        m.histogram = {
          ...temporality(),
          dataPoints: points(() => {
            const p = this.pointHead();
            p.count = this.uint64();
            this.optional(p, ['sum', 'min', 'max']);
            const n = this.int(12);
            p.explicitBounds = Array.from({ length: n }, () => this.double());
            p.bucketCounts = this.counts(n === 0 && this.chance(0.5) ? 0 : n + 1);
            if (this.chance(0.3)) p.exemplars = this.exemplars();
            return p;
          }),
        };
        break;
      }
      case 3: {
        m.exponentialHistogram = {
          ...temporality(),
          dataPoints: points(() => {
            const p = this.pointHead();
            p.count = this.uint64();
            this.optional(p, ['sum', 'min', 'max']);
            p.scale = this.int(31) - 10;
            if (this.chance(0.7)) p.zeroCount = this.uint64();
            if (this.chance(0.5)) p.zeroThreshold = this.double();
            for (const side of ['positive', 'negative']) {
              if (this.chance(0.7)) p[side] = { offset: this.int(400) - 200, bucketCounts: this.counts(this.int(40)) };
              else if (this.chance(0.2)) p[side] = {};
            }
            if (this.chance(0.3)) p.exemplars = this.exemplars();
            return p;
          }),
        };
        break;
      }
      case 4: {
        m.summary = {
          dataPoints: points(() => {
            const p = this.pointHead();
            p.count = this.uint64();
            if (this.chance(0.8)) p.sum = this.double();
            p.quantileValues = this.times(5, () => ({
              ...(this.chance(0.9) ? { quantile: this.random() } : {}), ...(this.chance(0.9) ? { value: this.double() } : {}),
            }));
            return p;
          }),
        };
        break;
      }
      default: break; // a metric with no data (receivers drop it; the encoder still writes it)
    }
    return m;
  }

  logRecord(): Json {
    const l: Json = { timeUnixNano: this.uint64(), severityNumber: this.enumOf(25), attributes: this.attributes(6) };
    if (this.chance(0.8)) l.observedTimeUnixNano = this.uint64();
    if (this.chance(0.6)) l.severityText = this.pick(['INFO', 'ERROR', 'WARN', '']);
    if (this.chance(0.9)) l.body = this.chance(0.5) ? { kvlistValue: { values: this.times(6, () => this.keyValue(1)) } } : this.anyValue(0);
    if (this.chance(0.2)) l.droppedAttributesCount = this.u32();
    if (this.chance(0.5)) l.flags = this.u32();
    if (this.chance(0.6)) l.traceId = this.chance(0.1) ? '' : this.hex(16);
    if (this.chance(0.6)) l.spanId = this.chance(0.1) ? '' : this.hex(8);
    if (this.chance(0.3)) l.eventName = this.text();
    return l;
  }

  /**
   * A request of `signal` whose protobuf encoding is about `bytes` long: items go into random
   * scopes of random resources until their JSON, which is about twice as long, is that big.
   */
  request(signal: Signal, bytes: number): Json {
    const names = {
      traces: ['resourceSpans', 'scopeSpans', 'spans'],
      metrics: ['resourceMetrics', 'scopeMetrics', 'metrics'],
      logs: ['resourceLogs', 'scopeLogs', 'logRecords'],
    }[signal];
    const item = (): Json => (signal === 'traces' ? this.span() : signal === 'metrics' ? this.metric() : this.logRecord());
    const resources = Array.from({ length: 1 + this.int(3) }, () => {
      const r: Json = { [names[1]]: Array.from({ length: 1 + this.int(3) }, () => {
        const s: Json = { [names[2]]: [] };
        const scope = this.scope();
        if (scope) s.scope = scope;
        if (this.chance(0.2)) s.schemaUrl = this.text();
        return s;
      }) };
      const res = this.resource();
      if (res) r.resource = res;
      if (this.chance(0.2)) r.schemaUrl = this.text();
      return r;
    });
    let size = JSON.stringify(resources).length / 2;
    while (size < bytes) {
      const it = item();
      const scopes = this.pick(resources)[names[1]] as Json[];
      (this.pick(scopes)[names[2]] as Json[]).push(it);
      size += JSON.stringify(it).length / 2;
    }
    return { [names[0]]: resources };
  }
}
