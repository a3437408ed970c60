// The OTLP/JSON walk: finds `exception.stacktrace` in the log records and span events of an
// Export{Logs,Trace}ServiceRequest as OTLP/JSON writes it (attributes as [{ key, value: {
// stringValue } }]) and applies the symbolicator's attributes in the same shape. Metrics carry
// no stacks. The protobuf side is otlp-protobuf.ts, over otlp-walk.ts (the relay's one protobuf
// reader); both make the same records of the same request.
import { ATTR, resultAttributes } from './attributes.js';
import type { Symbolicator } from './symbolicate.js';
import { parseDebugIds } from '../../lib/debug-ids.js';

type KeyValue = { key?: unknown; value?: Record<string, unknown> | null };
type Obj = Record<string, unknown>;

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

/** Every attribute list of a request that may hold an exception: log records' and span events'. */
function attributeLists(request: Obj, signal: 'logs' | 'traces'): KeyValue[][] {
  const out: KeyValue[][] = [];
  const push = (o: Obj | undefined) => { if (o && Array.isArray(o.attributes)) out.push(o.attributes as KeyValue[]); };
  if (signal === 'logs') {
    for (const rl of arr(request.resourceLogs)) for (const sl of arr(obj(rl)?.scopeLogs)) for (const r of arr(obj(sl)?.logRecords)) push(obj(r));
  } else {
    for (const rs of arr(request.resourceSpans)) for (const ss of arr(obj(rs)?.scopeSpans)) {
      for (const span of arr(obj(ss)?.spans)) for (const e of arr(obj(span)?.events)) push(obj(e));
    }
  }
  return out;
}

function stringOf(list: KeyValue[], key: string): string | undefined {
  for (const kv of list) if (kv && kv.key === key && typeof kv.value?.stringValue === 'string') return kv.value.stringValue;
  return undefined;
}

function stringsOf(list: KeyValue[], key: string): unknown {
  for (const kv of list) {
    if (kv && kv.key === key) return arr(obj(kv.value?.arrayValue)?.values).map((v) => obj(v)?.stringValue);
  }
  return undefined;
}

/** Sets (or replaces) an attribute, as a string or an int (OTLP/JSON writes int64 as a decimal string). */
function set(list: KeyValue[], key: string, value: string | number): void {
  const v = typeof value === 'number' ? { intValue: String(value) } : { stringValue: value };
  for (const kv of list) if (kv && kv.key === key) { kv.value = v; return; }
  list.push({ key, value: v });
}

/**
 * Symbolicates an OTLP/JSON logs or traces request in place. Returns how many stacks changed
 * (a record whose stack mapped, or that got a plume.symbolication.* count).
 */
export async function symbolicateOtlpJson(symbolicator: Symbolicator, signal: 'logs' | 'traces', request: unknown): Promise<number> {
  const root = obj(request);
  if (!root) return 0;
  const lists = attributeLists(root, signal).filter((l) => stringOf(l, ATTR.stacktrace) !== undefined && stringOf(l, ATTR.minified) === undefined);
  if (!lists.length) return 0;
  const results = await symbolicator.symbolicate(lists.map((l) => ({
    stack: stringOf(l, ATTR.stacktrace)!,
    debugIds: parseDebugIds(stringsOf(l, ATTR.debugIds)),
  })));
  let changed = 0;
  for (let i = 0; i < lists.length; i++) {
    const attrs = resultAttributes(results[i]);
    if (!attrs) continue;
    for (const [k, v] of Object.entries(attrs)) set(lists[i], k, v);
    changed++;
  }
  return changed;
}
