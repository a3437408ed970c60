// Stack traces as the three engines write them, cut into frames and written back. The
// symbolicator maps each frame's script position through a source map and writes the line
// again in the engine's own format, so a reader (or a tool that parses stacks) sees the same
// shape with original names and places. Lines that are not frames (the "TypeError: …" head of
// a V8 stack, a message that spans lines) and frames without a script position (native code,
// `eval` and `new Function` code, `Promise.all (index 0)`) are kept exactly as they were.
//
//   V8 (Chromium, node, workerd, Deno)    `    at fn (url:line:col)`, `    at url:line:col`,
//                                         `    at async fn (url:line:col)`, `    at new C (…)`,
//                                         `    at fn [as alias] (…)`
//   SpiderMonkey (Firefox)                `fn@url:line:col`, `@url:line:col`, `async*fn@…`,
//                                         `outer/inner<@…`; eval: `@url line 2 > eval:1:5`
//   JavaScriptCore (Safari, WebKitGTK)    `fn@url:line:col`, `global code@…`, `fn@[native code]`
//
// Lines and columns in all three are 1-based.

export type StackFormat = 'v8' | 'gecko';

export interface Frame {
  /** Index of the line in the stack text. */
  index: number;
  format: StackFormat;
  /** What comes before the function name: `    at `, `    at async `, `async*`. */
  lead: string;
  /** The function name as written (`n`, `new n`, `n [as foo]`, `Object.<anonymous>`), '' when none. */
  fn: string;
  url: string;
  line: number;
  column: number;
}

export interface ParsedStack {
  lines: string[];
  /** Frames with a script position, top first. */
  frames: Frame[];
  /** Lines that looked like frames but had no script position we can map (native, eval). */
  unmappable: number;
}

// `    at [async ][fn (]location)` where location ends in :line:col.
const V8 = /^(\s*at (?:async )?)(?:(.*?) \()?(.*?):(\d+):(\d+)\)?\s*$/;
const V8_ANY = /^\s*at /;
// `[async*][fn]@location:line:col`. Function names never hold an @ (identifiers cannot, and
// the engines' inferred names are built from identifiers), so the first @ ends the name.
const GECKO = /^((?:[^@]*\*)?)([^@]*)@(.*?):(\d+):(\d+)\s*$/;
const GECKO_ANY = /^[^@\s]*@/;
// A location that is not a script: eval/Function code (`eval at f (…), <anonymous>`,
// `url line 2 > eval`), or a native or anonymous one.
const NOT_A_SCRIPT = /^(?:eval at |<anonymous>$|native$|\[native code\]$)| line \d+ > |, <anonymous>$/;

const MAX_LINE = 4096;

/** Cuts a stack into lines and finds its frames; at most `maxFrames` frames are parsed. */
export function parseStack(stack: string, maxFrames: number): ParsedStack {
  const lines = stack.split('\n');
  const frames: Frame[] = [];
  let unmappable = 0;
  for (let index = 0; index < lines.length && frames.length < maxFrames; index++) {
    const text = lines[index];
    if (text.length > MAX_LINE) continue;
    let m = V8.exec(text);
    let format: StackFormat = 'v8';
    if (!m) {
      if (V8_ANY.test(text)) { unmappable++; continue; }
      m = GECKO.exec(text);
      format = 'gecko';
      if (!m) {
        if (GECKO_ANY.test(text)) unmappable++;
        continue;
      }
    }
    const url = m[3];
    if (!url || NOT_A_SCRIPT.test(url)) { unmappable++; continue; }
    frames.push({ index, format, lead: m[1], fn: m[2] ?? '', url, line: Number(m[4]), column: Number(m[5]) });
  }
  return { lines, frames, unmappable };
}

/** A frame line in its engine's format, with another name and place. */
export function formatFrame(frame: Frame, fn: string, file: string, line: number, column: number): string {
  const where = `${file}:${line}:${column}`;
  if (frame.format === 'gecko') return `${frame.lead}${fn}@${where}`;
  return fn ? `${frame.lead}${fn} (${where})` : `${frame.lead}${where}`;
}

/** The name part of a V8 frame's function without `new ` and ` [as alias]`, which the rewrite keeps. */
export function splitName(fn: string): { prefix: string; name: string; suffix: string } {
  const m = /^(new )?(.*?)( \[as [^\]]*\])?$/.exec(fn)!;
  return { prefix: m[1] ?? '', name: m[2], suffix: m[3] ?? '' };
}
