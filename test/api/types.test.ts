// The consumer type test (issue 13): the package as users get it (`npm pack` of the build,
// unpacked as npm installs it), with the real @opentelemetry/api and api-logs packed from
// node_modules (no network), and the apps in test/api/consumer/ compiled by tsc --strict, by
// TypeScript 5.9 and by the latest (7, the Go port), for moduleResolution bundler, node16 and
// node10 (TypeScript 7 has no node10 any more: 5.9 alone checks it). The lines that must be
// refused carry @ts-expect-error: if one compiles, tsc fails (which also catches types that
// went `any`). A project without @opentelemetry/api installed compiles too, with skipLibCheck
// off, so an error in Plume's own declarations (an import that does not resolve) fails it;
// the others skip the library check, which is most of tsc's time. arethetypeswrong checks the
// tarball. Needs `npm run build` first.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const TSC = {
  '5.9': join(ROOT, 'node_modules/typescript/bin/tsc'),
  latest: join(ROOT, 'node_modules/typescript-7/bin/tsc'),
};
const RESOLUTIONS = {
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
  node16: { module: 'node16', moduleResolution: 'node16' },
  node10: { module: 'esnext', moduleResolution: 'node10' },
};
type Resolution = keyof typeof RESOLUTIONS;

let dir: string;
let tarball: string;

/** npm pack of a directory into dir; returns the tarball's path. */
function pack(from: string): string {
  const out = execFileSync('npm', ['pack', from, '--pack-destination', dir, '--silent'], { cwd: ROOT, encoding: 'utf8' });
  return join(dir, out.trim().split('\n').pop()!);
}

/** Unpacks a tarball into project/node_modules/name, as npm installs a package. */
function install(project: string, name: string, tgz: string): void {
  const to = join(project, 'node_modules', name);
  mkdirSync(to, { recursive: true });
  execFileSync('tar', ['-xzf', tgz, '-C', to, '--strip-components=1']);
}

function project(name: string, packages: Record<string, string>, files: string[], skipLibCheck: boolean): string {
  const p = join(dir, name);
  mkdirSync(p, { recursive: true });
  writeFileSync(join(p, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  for (const [pkg, tgz] of Object.entries(packages)) install(p, pkg, tgz);
  for (const f of files) cpSync(join(ROOT, 'test/api/consumer', f), join(p, f));
  for (const [res, opts] of Object.entries(RESOLUTIONS)) {
    writeFileSync(join(p, `tsconfig.${res}.json`), JSON.stringify({
      compilerOptions: {
        ...opts, target: 'es2022', lib: ['es2022', 'dom', 'dom.iterable'], strict: true, skipLibCheck, noEmit: true, types: [],
        // TypeScript 6 deprecates node10; 5.9 is the one that checks it.
        ...(res === 'node10' ? { ignoreDeprecations: '5.0' } : {}),
      },
      files,
    }));
  }
  return p;
}

// Two compilers at a time: the machine (and CI's) has two cores.
let running = 0;
const waiting: (() => void)[] = [];
async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** tsc -p; resolves to its output ('' when it compiled). */
async function tsc(version: keyof typeof TSC, p: string, res: Resolution): Promise<string> {
  return limited(() => tscNow(version, p, res));
}

async function tscNow(version: keyof typeof TSC, p: string, res: Resolution): Promise<string> {
  try {
    await run(process.execPath, [TSC[version], '-p', join(p, `tsconfig.${res}.json`)], { cwd: p });
    return '';
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    return `${stdout ?? ''}${stderr ?? ''}` || String(e);
  }
}

let withApi: string;
let withoutApi: string;

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/browser.d.ts'))) throw new Error('dist/ is missing: run `npm run build` first');
  dir = mkdtempSync(join(tmpdir(), 'plume-types-'));
  tarball = pack(ROOT);
  const apiTgz = pack(join(ROOT, 'node_modules/@opentelemetry/api'));
  const logsTgz = pack(join(ROOT, 'node_modules/@opentelemetry/api-logs'));
  const packages = { plume: tarball, '@opentelemetry/api': apiTgz, '@opentelemetry/api-logs': logsTgz };
  withApi = project('with-api', packages, ['app.ts', 'refused.ts'], true);
  withoutApi = project('without-api', { plume: tarball }, ['no-api.ts'], false);
}, 60_000);
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

describe('consumer types, tsc --strict against the packed package', () => {
  const cases: [keyof typeof TSC, Resolution][] = [
    ['5.9', 'bundler'], ['5.9', 'node16'], ['5.9', 'node10'], ['latest', 'bundler'], ['latest', 'node16'],
  ];
  it.concurrent.each(cases)('TypeScript %s, moduleResolution %s: the app compiles, every refused line is refused', async (version, res) => {
    expect(await tsc(version, withApi, res)).toBe('');
  });

  it.concurrent.each(['5.9', 'latest'] as const)('TypeScript %s: a project without @opentelemetry/api has all types', async (version) => {
    expect(existsSync(join(withoutApi, 'node_modules/@opentelemetry'))).toBe(false);
    expect(await tsc(version, withoutApi, 'bundler')).toBe('');
  });

  it('the latest TypeScript is 7 (the Go port), and the other 5.9', async () => {
    const v = async (t: keyof typeof TSC) => (await run(process.execPath, [TSC[t], '--version'])).stdout.trim();
    expect(await v('latest')).toMatch(/^Version 7\./);
    expect(await v('5.9')).toMatch(/^Version 5\.9\./);
  });

  it.concurrent('arethetypeswrong: no problem but the one an ESM-only package has by design (require() of it fails)', async () => {
    const attw = join(ROOT, 'node_modules/@arethetypeswrong/cli/dist/index.js');
    let exit = 0;
    const args = [attw, tarball, '--format', 'json', '--ignore-rules', 'cjs-resolves-to-esm'];
    const { stdout } = await limited(() => run(process.execPath, args, { maxBuffer: 1 << 24 })
      .catch((e) => { exit = (e as { code: number }).code; return e as { stdout: string }; }));
    const problems = Object.values(JSON.parse(stdout).problems ?? {}).flat() as { kind: string; resolutionKind: string }[];
    // Plume is ESM only (browsers and edge workers): require() from CommonJS under node16 cannot load it.
    expect(problems.filter((p) => p.kind !== 'CJSResolvesToESM' || p.resolutionKind !== 'node16-cjs')).toEqual([]);
    expect(exit).toBe(0);
  });
});
