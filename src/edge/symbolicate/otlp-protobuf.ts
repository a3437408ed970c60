// The protobuf walk of symbolication: the records of an Export{Logs,Trace}ServiceRequest with
// an `exception.stacktrace` (log records, span events) are found by otlp-walk.ts, the relay's
// one protobuf reader, in the same pass that checks the body, and the symbolicator's attributes
// are written back into the bytes there (the lengths around them re-encoded). The result is
// what symbolicateOtlpJson makes of the same request in OTLP/JSON.
import { findRecordAttributes, setRecordAttributes, type AttributeValue, type FoundRecord } from '../otlp-walk.js';
import { ATTR, resultAttributes } from './attributes.js';
import type { Symbolicator } from './symbolicate.js';
import { parseDebugIds } from '../../lib/debug-ids.js';

/** Every attribute symbolication reads or writes: what findRecordAttributes is asked to find. */
export const STACK_ATTRIBUTES: readonly string[] = Object.values(ATTR);

/**
 * Symbolicates the records findRecordAttributes(signal, body, STACK_ATTRIBUTES) found in the
 * body. Returns the new body (the same one when nothing changed) and how many records changed
 * (a stack that mapped, or one that got a plume.symbolication.* count).
 */
export async function symbolicateProtobufRecords(
  symbolicator: Symbolicator, body: Uint8Array, records: FoundRecord[],
): Promise<{ body: Uint8Array; changed: number }> {
  const stackOf = (r: FoundRecord) => r.attributes.get(ATTR.stacktrace)?.value;
  // As in OTLP/JSON: a record that says it was symbolicated already is left alone.
  const todo = records.filter((r) => typeof stackOf(r) === 'string' && typeof r.attributes.get(ATTR.minified)?.value !== 'string');
  if (!todo.length) return { body, changed: 0 };
  const results = await symbolicator.symbolicate(todo.map((r) => ({
    stack: stackOf(r) as string,
    debugIds: parseDebugIds(r.attributes.get(ATTR.debugIds)?.value),
  })));
  const edits: { record: FoundRecord; attributes: Record<string, AttributeValue> }[] = [];
  for (let i = 0; i < todo.length; i++) {
    const attributes = resultAttributes(results[i]);
    if (attributes) edits.push({ record: todo[i], attributes });
  }
  return edits.length ? { body: setRecordAttributes(body, edits), changed: edits.length } : { body, changed: 0 };
}

/**
 * Symbolicates an OTLP/protobuf logs or traces request: the new body and how many records
 * changed, or the problem that makes the body no such request (then nothing changed).
 */
export async function symbolicateOtlpProtobuf(
  symbolicator: Symbolicator, signal: 'logs' | 'traces', body: Uint8Array,
): Promise<{ body: Uint8Array; changed: number; problem?: string }> {
  const found = findRecordAttributes(signal, body, STACK_ATTRIBUTES);
  if (found.problem !== undefined) return { body, changed: 0, problem: found.problem };
  return symbolicateProtobufRecords(symbolicator, body, found.records);
}
