// Issue 14, item 8: on a fresh Debian machine `npm test` failed 23 conformance tests with
// `spawnSync protoc ENOENT` and every browser test for want of the browsers. npm test now
// checks first (scripts/prereqs.js): as root it installs what is missing with apt-get, without
// root it runs nothing and prints the one command to run. The decision, with `which`, root and
// the command runner injected (nothing is installed or removed here).
import { expect, it } from 'vitest';
// (scripts/ are plain ES modules, run by node as they are)
import { ensurePrerequisites, missingPackages, TOOLS, toolPath } from '../../scripts/prereqs.js';

const ALL = ['protoc', '/usr/bin/chromium', '/usr/bin/firefox-esr', 'WebKitWebDriver', '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', 'Xvfb'];
const env = { PATH: '/usr/bin' };

/** A machine that has `present` (tool names or paths); install() adds packages' tools to it. */
function machine(present: string[]) {
  const have = new Set(present);
  const ran: string[][] = [];
  const lines: string[] = [];
  const find = (file: string) => (have.has(file) ? file : undefined);
  const install = (ok = true) => (cmd: string, args: string[]) => {
    ran.push([cmd, ...args]);
    if (ok && args.includes('install')) for (const t of TOOLS as { key: string; pkg: string }[]) if (args.includes(t.pkg)) have.add(toolPath(t.key, env));
    return ok;
  };
  return { find, install, ran, lines, log: (l: string) => void lines.push(l) };
}

it('everything present: nothing is run, npm test goes on', () => {
  const m = machine(ALL);
  expect(ensurePrerequisites({ find: m.find, env, isRoot: true, run: m.install(), log: m.log })).toBe(true);
  expect(m.ran).toEqual([]);
  expect(m.lines).toEqual([]);
});

it('a fresh machine as root: apt-get update, then one install of the missing packages, then npm test goes on', () => {
  const m = machine([]);
  expect(ensurePrerequisites({ find: m.find, env, isRoot: true, run: m.install(), log: m.log })).toBe(true);
  expect(m.ran.map((r) => r.filter((a) => !a.startsWith('-') && !a.includes('::')))).toEqual([
    ['apt-get', 'update'],
    ['apt-get', 'install', 'protobuf-compiler', 'chromium', 'firefox-esr', 'webkit2gtk-driver', 'xvfb'],
  ]);
  expect(m.ran[1]).toEqual(expect.arrayContaining(['-y', '-o', 'DPkg::Lock::Timeout=600']));
});

it('only protoc missing, as root: only protobuf-compiler is installed', () => {
  const m = machine(ALL.filter((t) => t !== 'protoc'));
  expect(ensurePrerequisites({ find: m.find, env, isRoot: true, run: m.install(), log: m.log })).toBe(true);
  expect(m.ran.at(-1)).toEqual(expect.arrayContaining(['install', 'protobuf-compiler']));
  expect(m.ran.at(-1)).not.toContain('chromium');
});

it('missing, without root: nothing is run, and the one command to run is printed', () => {
  const m = machine(ALL.filter((t) => t !== 'Xvfb' && t !== 'protoc'));
  expect(ensurePrerequisites({ find: m.find, env, isRoot: false, run: m.install(), log: m.log })).toBe(false);
  expect(m.ran).toEqual([]);
  const out = m.lines.join('\n');
  expect(out).toContain("sudo sh -c 'apt-get update && apt-get -o DPkg::Lock::Timeout=600 install -y protobuf-compiler xvfb'");
  expect(out).toMatch(/protoc, Xvfb/);
});

it('as root, apt-get failing or not providing a tool: npm test stops, saying so', () => {
  const failing = machine([]);
  expect(ensurePrerequisites({ find: failing.find, env, isRoot: true, run: failing.install(false), log: failing.log })).toBe(false);
  expect(failing.lines.join('\n')).toMatch(/apt-get failed/);
  const stillMissing = machine([]);
  const runs = (cmd: string, args: string[]) => { stillMissing.ran.push([cmd, ...args]); return true; };
  expect(ensurePrerequisites({ find: stillMissing.find, env, isRoot: true, run: runs, log: stillMissing.log })).toBe(false);
  expect(stillMissing.lines.join('\n')).toMatch(/Still missing after apt-get: protoc/);
});

it('the PLUME_* overrides are where a browser is looked for', () => {
  const m = machine(ALL.filter((t) => t !== '/usr/bin/chromium').concat('/opt/chromium/chrome'));
  expect(missingPackages(m.find, { ...env, PLUME_CHROMIUM: '/opt/chromium/chrome' }).packages).toEqual([]);
  expect(missingPackages(m.find, env).packages).toEqual(['chromium']);
});
