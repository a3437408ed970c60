// npm run build: AssemblyScript -> dist/plume.wasm, then rollup -> dist/*.js with .d.ts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

rmSync(join(root, 'dist'), { recursive: true, force: true });
mkdirSync(join(root, 'dist'), { recursive: true });
// -O2: the smallest for this table-driven source (3.0 KB; -O3s and -Oz 3.04 KB) and as fast;
// -O3 makes 4.4 KB.
run(bin('asc'), [
  'wasm/assembly/index.ts', '--runtime', 'stub', '-O2', '--noAssert', '--use', 'abort=',
  '--outFile', 'dist/plume.wasm',
]);
console.log(`dist/plume.wasm: ${statSync(join(root, 'dist/plume.wasm')).size} bytes`);
run(bin('rollup'), ['-c', '--silent']);
// `import wasm from 'plume/plume.wasm'` (workerd, wrangler and other bundlers that import wasm
// as a compiled module) needs a declaration of its own.
writeFileSync(join(root, 'dist/plume.wasm.d.ts'),
  '// plume/plume.wasm: the encoder module, as runtimes that import .wasm files give it (workerd: compiled).\n' +
  'declare const wasm: WebAssembly.Module;\nexport default wasm;\n');
