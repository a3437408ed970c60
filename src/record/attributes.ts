// Attribute values into record slots (layout: encode/layout.ts).
import type { Records } from '../encode/records.js';
import {
  MAX_VALUE_DEPTH, SLOT_HI, SLOT_KEY, SLOT_KIND, SLOT_LO, SLOT_WORDS,
  VALUE_ARRAY, VALUE_BOOL, VALUE_DOUBLE, VALUE_EMPTY, VALUE_INT, VALUE_STRING,
} from '../encode/layout.js';
import type { AttrValue, Attributes } from '../sdk/attributes.js';

const TWO32 = 4294967296;

/**
 * Writes value v into the slot at `slot` (kind and payload; the key is the caller's) and
 * returns how many values it cut. The API keeps attribute arrays flat (sdk/attributes.ts),
 * but beforeSend can put anything in a span's attributes: arrays in arrays are written as
 * deep as MAX_VALUE_DEPTH, and one that is deeper, or that holds itself, becomes an empty
 * value and is cut.
 */
export function writeValue(rec: Records, slot: number, v: AttrValue | null | undefined, depth = 0, path?: unknown[]): number {
  let kind: number, lo = 0, hi = 0, cut = 0;
  switch (typeof v) {
    case 'string':
      kind = VALUE_STRING; lo = rec.str(v);
      break;
    case 'boolean':
      kind = VALUE_BOOL; lo = v ? 1 : 0;
      break;
    case 'number':
      // As OTel JS sends them: integers as int64, everything else as double.
      if (Number.isSafeInteger(v)) {
        kind = VALUE_INT;
        const h = Math.floor(v / TWO32);
        lo = v - h * TWO32; hi = h >>> 0;
      } else {
        rec.words[slot + SLOT_KIND] = VALUE_DOUBLE;
        rec.setDouble(slot + SLOT_LO, v);
        return 0;
      }
      break;
    case 'bigint': {
      kind = VALUE_INT;
      const u = BigInt.asUintN(64, v);
      lo = Number(u & 0xffffffffn); hi = Number(u >> 32n);
      break;
    }
    case 'object':
      if (Array.isArray(v)) {
        if (depth >= MAX_VALUE_DEPTH || (path !== undefined && path.includes(v))) {
          kind = VALUE_EMPTY; cut = 1;
          break;
        }
        const first = rec.slots(v.length);
        for (let k = 0; k < v.length; k++) {
          const x = v[k] as AttrValue;
          // Only nested arrays need the path (no allocation for the flat ones of the API).
          cut += writeValue(rec, first + k * SLOT_WORDS, x, depth + 1, Array.isArray(x) ? [...(path ?? []), v] : undefined);
        }
        kind = VALUE_ARRAY; lo = first; hi = v.length;
        break;
      }
    // falls through: null
    default:
      kind = VALUE_EMPTY;
  }
  const w = rec.words; // after any allocation above
  w[slot + SLOT_KIND] = kind;
  w[slot + SLOT_LO] = lo;
  w[slot + SLOT_HI] = hi;
  return cut;
}

/** Writes attrs as contiguous slots and their [first, count] at `at`; returns how many values it cut. */
export function writeAttributes(rec: Records, at: number, attrs: Attributes): number {
  let n = 0;
  for (const _ in attrs) n++;
  const first = rec.slots(n);
  rec.words[at] = first;
  rec.words[at + 1] = n;
  let slot = first, cut = 0;
  for (const key in attrs) {
    rec.words[slot + SLOT_KEY] = rec.str(key);
    cut += writeValue(rec, slot, attrs[key]);
    slot += SLOT_WORDS;
  }
  return cut;
}
