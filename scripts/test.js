// npm test: build, then every suite — vitest (unit, conformance) and Playwright (browser
// suites, in chromium, firefox and webkit), then the README's engine table from what the
// browser suites found. Each suite runs even when an earlier one failed; the exit code is
// non-zero if any did. First, what the suites need from the machine (scripts/prereqs.js):
// installed with apt-get when run as root, else nothing runs and the command is printed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePrerequisites } from './prereqs.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (label, cmd, args) => {
  console.log(`\n== ${label}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  return r.status === 0;
};

console.log('== prerequisites');
if (!ensurePrerequisites()) process.exit(1);
if (!run('build', process.execPath, [join(root, 'scripts', 'build.js')])) process.exit(1);
// Reports of an earlier run must not pass for this one's.
rmSync(join(root, '.ci', 'out', 'engines'), { recursive: true, force: true });
rmSync(join(root, '.ci', 'out', 'e2e.json'), { force: true });
const results = [
  run('vitest', bin('vitest'), ['run']),
  run('playwright (chromium, firefox, webkit)', bin('playwright'), ['test']),
  run('engine table', process.execPath, [join(root, 'scripts', 'engine-table.js')]),
];

// One line per engine, from Playwright's JSON report (each test is there once per project).
console.log('\n== browser suites per engine');
const report = join(root, '.ci', 'out', 'e2e.json');
if (!existsSync(report)) {
  console.log('no .ci/out/e2e.json: the browser suites did not run');
  results.push(false);
} else {
  const counts = new Map();
  const retried = [];
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests) {
        if (t.status === 'flaky') retried.push(`[${t.projectName}] ${spec.file}:${spec.line} › ${spec.title}`);
        const c = counts.get(t.projectName) ?? { passed: 0, failed: 0, skipped: 0, ms: 0 };
        if (t.status === 'expected' || t.status === 'flaky') c.passed++;
        else if (t.status === 'unexpected') c.failed++;
        else c.skipped++;
        for (const r of t.results ?? []) c.ms += r.duration ?? 0;
        counts.set(t.projectName, c);
      }
    }
    for (const s of suite.suites ?? []) walk(s);
  };
  const json = JSON.parse(readFileSync(report, 'utf8'));
  for (const s of json.suites ?? []) walk(s);
  for (const [engine, c] of counts) {
    const extra = [c.skipped ? `${c.skipped} skipped` : '', `${(c.ms / 1000).toFixed(1)} s`].filter(Boolean).join('; ');
    console.log(`${engine}: ${c.passed} passed, ${c.failed} failed (${extra})`);
  }
  // Passed only on a retry (CI sets retries: 1): each is a flaky test, named so it gets fixed.
  console.log(retried.length ? `needed a retry (${retried.length}):\n  ${retried.join('\n  ')}` : 'needed a retry: none');
  if (json.errors?.length) console.log(`playwright: ${json.errors.length} error(s) outside tests (see above)`);
}
process.exit(results.every(Boolean) ? 0 : 1);
