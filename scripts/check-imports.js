// The import structure, checked (npm test runs this): no import cycle anywhere in src/ or
// demo/, type-only imports included (a cycle of types is still two files that cannot be read
// apart), and src/lib/ holds leaves: its files import only other src/lib/ files. A failure
// names the cycle or the import, so the fix is obvious.
//
// Imports are read with TypeScript's own pre-processor (static imports, re-exports and
// import() calls with a literal specifier); relative specifiers are resolved the way the
// build resolves them (`./x.js` is `./x.ts` in the source tree).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOTS = ['src', 'demo'];
const SOURCE = /\.(ts|js|mjs)$/;

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) files.push(p);
  }
};
for (const r of ROOTS) if (existsSync(join(root, r))) walk(join(root, r));

const resolveImport = (from, spec) => {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const c of [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(c) && statSync(c).isFile()) return c;
  }
  return undefined;
};

const rel = (p) => relative(root, p);
const graph = new Map();
for (const f of files) {
  const info = ts.preProcessFile(readFileSync(f, 'utf8'), true, true);
  const deps = new Set();
  for (const ref of info.importedFiles) {
    const to = resolveImport(f, ref.fileName);
    if (to) deps.add(to);
  }
  graph.set(f, deps);
}

const problems = [];

// src/lib/: leaves of the pipeline.
const lib = join(root, 'src', 'lib') + '/';
for (const [f, deps] of graph) {
  if (!f.startsWith(lib)) continue;
  for (const d of deps) if (!d.startsWith(lib)) problems.push(`src/lib/ imports outside src/lib/: ${rel(f)} -> ${rel(d)}`);
}

// Cycles: strongly connected components of more than one file, or a file importing itself.
let index = 0;
const stack = [], onStack = new Set(), idx = new Map(), low = new Map();
const strong = (v) => {
  idx.set(v, index); low.set(v, index); index++;
  stack.push(v); onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!idx.has(w)) { strong(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const comp = [];
    let w;
    do { w = stack.pop(); onStack.delete(w); comp.push(w); } while (w !== v);
    if (comp.length > 1 || graph.get(v)?.has(v)) {
      const inComp = new Set(comp);
      const edges = comp.flatMap((a) => [...graph.get(a)].filter((b) => inComp.has(b)).map((b) => `${rel(a)} -> ${rel(b)}`));
      problems.push(`import cycle of ${comp.length} file(s):\n    ${edges.sort().join('\n    ')}`);
    }
  }
};
for (const v of graph.keys()) if (!idx.has(v)) strong(v);

if (problems.length) {
  console.error(`import structure: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`import structure: ${graph.size} files, no cycle, src/lib/ imports only src/lib/`);
