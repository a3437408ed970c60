// What symbolication writes on a record, apart from the symbolicator itself: the OTLP walks
// (otlp-json.ts, otlp-protobuf.ts), hence relay(), use these without importing symbolicate.ts,
// whose trace-mapping import a bundler keeps (its dependencies are UMD modules with side
// effects): a relay without sourceMaps does not carry the source map decoder.
import { DEBUG_IDS } from '../../lib/debug-ids.js';
import { splitName } from './stack.js';
import type { StackResult } from './symbolicate.js';

/** The attributes the symbolicator writes. */
export const ATTR = {
  stacktrace: 'exception.stacktrace',
  /** The stack as it arrived, kept when any frame of it was mapped. */
  minified: 'plume.exception.minified_stacktrace',
  /** Frames with a script position that could not be mapped (no map, or nothing at that place). */
  unmapped: 'plume.symbolication.unmapped_frames',
  /** Why frames were left: the first problem met (no map, malformed map, unknown format, …). */
  error: 'plume.symbolication.error',
  file: 'code.file.path',
  line: 'code.line.number',
  column: 'code.column.number',
  fn: 'code.function.name',
  debugIds: DEBUG_IDS,
} as const;

/**
 * The attributes a result sets on its record (undefined when it sets none): the rewritten
 * stack, the minified one kept beside it, code.* from the top mapped frame, and the counts of
 * what was left. A walker writes them in its own representation (JSON, protobuf, rows).
 */
export function resultAttributes(r: StackResult): Record<string, string | number> | undefined {
  const out: Record<string, string | number> = {};
  if (r.mapped) {
    out[ATTR.stacktrace] = r.stack;
    out[ATTR.minified] = r.original;
    const top = r.top!;
    out[ATTR.file] = top.file;
    out[ATTR.line] = top.line;
    out[ATTR.column] = top.column;
    // The name without V8's `new ` and ` [as alias]` decorations.
    const name = splitName(top.fn).name;
    if (name) out[ATTR.fn] = name;
  }
  if (r.unmapped) out[ATTR.unmapped] = r.unmapped;
  if (r.problem && (r.unmapped || !r.mapped)) out[ATTR.error] = r.problem;
  return Object.keys(out).length ? out : undefined;
}
