// npm run bench: installs the peers if needed (bench/package.json), then runs every bench in
// its own process (one bench's JIT state and garbage never weigh on the next), in order:
// encode, pipeline, startup, hide, first-request, relay, sourcemaps. `npm run bench -- pipeline hide` runs some.
// The counts are set by BENCH_MS, BENCH_ROUNDS, STARTUP_LOADS, HIDE_TRIALS, HIDE_SIZES,
// FIRST_REQUEST_LOADS (see each file). With the defaults it took 8 min 49 s (the build aside)
// on a two-core machine shared with several builds and test runs (load average 12 to 15); the
// counts were chosen for about five minutes on a quiet one, which is still to be measured.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BENCH, ensurePeers, ROOT } from './lib.js';

const ALL = ['encode', 'pipeline', 'startup', 'hide', 'first-request', 'relay', 'sourcemaps'];
const which = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
const unknown = which.filter((w) => !ALL.includes(w));
if (unknown.length) {
  console.error(`unknown bench: ${unknown.join(', ')} (one of ${ALL.join(', ')})`);
  process.exit(2);
}
if (!existsSync(`${ROOT}dist/plume.iife.js`)) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}
ensurePeers();
let failed = false;
for (const name of which) {
  const t = Date.now();
  // The source-map bench reports heap per parsed map, measured after a forced GC.
  const flags = name === 'sourcemaps' ? ['--expose-gc'] : [];
  const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', `${BENCH}${name}.ts`], { cwd: ROOT, stdio: 'inherit' });
  console.log(`(${name}: ${((Date.now() - t) / 1000).toFixed(0)} s)`);
  failed ||= r.status !== 0;
}
process.exit(failed ? 1 : 0);
