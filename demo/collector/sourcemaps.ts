// --source-maps <dir>: the dev collector symbolicates exception stacks as the relay does,
// with the same core (src/edge/symbolicate: one symbolicator, not a second copy), reading the
// maps from a folder laid out as plume/build writes it (`<script path>.map`,
// `debug-id/<id>.map`). Decoding stays independent of src/ (decode.ts); only this feature,
// which is the SDK's own, is shared. The maps' sourcesContent is kept, for the viewer's source
// context around each original frame.
import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { ATTR, bindingSource, createSymbolicator, type Symbolicator } from '../../src/edge/symbolicate/index.js';
import { parseDebugIds } from '../../src/lib/debug-ids.js';

/** Lines of source shown above and below each original frame. */
const CONTEXT_LINES = 3;

export function directorySymbolicator(dir: string, log: (line: string) => void): Symbolicator {
  const root = resolve(dir);
  const disk = {
    async get(key: string): Promise<string | null> {
      const file = resolve(root, key);
      // The key comes from a stack a client sent: it never leaves the folder.
      if (!file.startsWith(root + sep)) return null;
      try { return await readFile(file, 'utf8'); } catch { return null; }
    },
  };
  return createSymbolicator({ source: bindingSource(disk), keepSourcesContent: true, maxCacheBytes: 256 << 20, onProblem: log });
}

export interface ViewerFrame {
  fn: string;
  file: string;
  line: number;
  column: number;
  mapped: boolean;
  /** Original source around the line, when the map carries it. */
  context?: { first: number; lines: string[] };
}

/** The original frames of a stack that was symbolicated on arrival, with source context (for the viewer). */
export async function viewerFrames(s: Symbolicator, attrs: Record<string, unknown>): Promise<ViewerFrame[] | undefined> {
  const minified = attrs[ATTR.minified];
  if (typeof minified !== 'string') return undefined;
  const [r] = await s.symbolicate([{ stack: minified, debugIds: parseDebugIds(attrs[ATTR.debugIds]) }]);
  if (!r.mapped) return undefined;
  return r.frames.map((f) => ({
    fn: f.fn, file: f.file, line: f.line, column: f.column, mapped: f.mapped,
    ...(f.mapped ? { context: s.context(f, CONTEXT_LINES) } : {}),
  }));
}
