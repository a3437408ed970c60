// Attribute values, as the OTel SDK spec defines them, and the rule for everything else.
//
// Kept: string (cut to the value length limit), boolean, number (integers in the safe range
// are sent as int64, the rest as double), bigint within int64, and arrays of those (and
// null) - copied, so a later change to the caller's array does not change what was recorded.
// Ignored, not counted: undefined and null values (the OTel API treats them as "unset").
// Dropped and counted in dropped_attributes_count: objects, functions, symbols, bigints
// outside int64, arrays holding anything else (cyclic ones included), empty keys, attributes
// beyond the count limit, and values that cannot be read (a getter or a Proxy trap that
// throws). Nothing here throws.

export type AttrPrimitive = string | number | boolean | bigint;
export type AttrValue = AttrPrimitive | (AttrPrimitive | null | undefined)[];
export type Attributes = Record<string, AttrValue>;

export interface Limits {
  attributeCount: number;
  attributeValueLength: number;
  eventCount: number;
  linkCount: number;
}

export const DEFAULT_LIMITS: Limits = { attributeCount: 128, attributeValueLength: 4096, eventCount: 128, linkCount: 128 };

export const DROP = Symbol('drop');
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

function primitive(v: unknown, maxLen: number): AttrPrimitive | null | undefined | typeof DROP {
  switch (typeof v) {
    case 'string': return v.length > maxLen ? v.slice(0, maxLen) : v;
    case 'number':
    case 'boolean': return v;
    case 'bigint': return v >= I64_MIN && v <= I64_MAX ? v : DROP;
    case 'undefined': return undefined;
    default: return v === null ? null : DROP;
  }
}

/** The value to record, undefined to ignore, or DROP to drop and count. */
export function sanitize(v: unknown, maxLen: number): AttrValue | undefined | typeof DROP {
  if (v !== null && typeof v === 'object') {
    // A caller's object: reading it (a revoked Proxy, a getter among the elements) may throw.
    try {
      if (!Array.isArray(v)) return DROP;
      const out: (AttrPrimitive | null | undefined)[] = [];
      for (let k = 0; k < v.length; k++) {
        const p = primitive(v[k], maxLen);
        if (p === DROP) return DROP;
        out.push(p);
      }
      return out;
    } catch {
      return DROP;
    }
  }
  const p = primitive(v, maxLen);
  return p === null ? undefined : p;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** An attribute set with a count limit; `dropped` counts what did not fit or was invalid. */
export class AttributeBag {
  values: Attributes = {};
  count = 0;
  dropped = 0;
  constructor(private readonly limits: Limits) {}

  set(key: unknown, value: unknown): void {
    if (typeof key !== 'string' || key === '') { this.dropped++; return; }
    const v = sanitize(value, this.limits.attributeValueLength);
    if (v === undefined) return;
    if (v === DROP) { this.dropped++; return; }
    // Own keys only: 'constructor' or 'toString' are attributes like any other. (A plain
    // object, not a null-prototype one: V8 keeps those in slow dictionary mode.)
    if (!hasOwn.call(this.values, key)) {
      if (this.count >= this.limits.attributeCount) { this.dropped++; return; }
      this.count++;
    }
    // Assigned, __proto__ would set the object's prototype instead of an attribute.
    if (key === '__proto__') Object.defineProperty(this.values, key, { value: v, enumerable: true, writable: true, configurable: true });
    else this.values[key] = v;
  }

  setAll(attrs: unknown): void {
    if (!attrs || typeof attrs !== 'object') return;
    let keys: string[];
    // A Proxy whose ownKeys trap throws: nothing can be read of it, one attribute counted.
    try { keys = Object.keys(attrs); } catch { this.dropped++; return; }
    // One try around the loop (not one per value: this is the hot path); a value whose getter
    // throws is counted and the loop goes on after it.
    for (let k = 0; k < keys.length; k++) {
      try {
        for (; k < keys.length; k++) this.set(keys[k], (attrs as Record<string, unknown>)[keys[k]]);
      } catch {
        this.dropped++;
      }
    }
  }
}

/** A plain attributes object (instrument options, log records) cut to the limits. */
export function cleanAttributes(attrs: unknown, limits: Limits): { values: Attributes; dropped: number } {
  const bag = new AttributeBag(limits);
  bag.setAll(attrs);
  return { values: bag.values, dropped: bag.dropped };
}
