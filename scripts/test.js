// npm test: build, then every suite — vitest (unit, conformance) and Playwright (browser).
// Each suite runs even when an earlier one failed; the exit code is non-zero if any did.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (label, cmd, args) => {
  console.log(`\n== ${label}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  return r.status === 0;
};

if (!run('build', process.execPath, [join(root, 'scripts', 'build.js')])) process.exit(1);
const results = [
  run('vitest', bin('vitest'), ['run']),
  run('playwright (chromium)', bin('playwright'), ['test']),
];
process.exit(results.every(Boolean) ? 0 : 1);
