// What the benches and `npm run size` share: the peers' install (bench/package.json), Debian's
// Chromium, a local HTTP server, and one way to state a spread. Figures are only ever
// compared within one run; nothing here asserts a timing.
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_FLAGS } from '../playwright.config.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BENCH = fileURLToPath(new URL('.', import.meta.url));

/**
 * The peers (current OTel JS, Sentry, Datadog, Faro, Elastic, web-vitals, and the older OTel
 * rows kept for history) are installed in bench/node_modules from bench/package-lock.json,
 * apart from the project's devDependencies (bench/.npmrc says why). Installed on first use,
 * and again when the lock file is newer than the install.
 */
export function ensurePeers(): void {
  const installed = `${BENCH}node_modules/.package-lock.json`;
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(`${BENCH}package-lock.json`).mtimeMs) return;
  console.error('installing the peers the benches compare with (bench/package-lock.json)…');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: BENCH, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Debian's Chromium (never a downloaded one), with the project's flags. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.PLUME_CHROMIUM ?? '/usr/bin/chromium', args: [...CHROMIUM_FLAGS, '--headless'] });
}

export interface Server { origin: string; close(): Promise<void> }

/** An HTTP server on 127.0.0.1 (a free port), with the request body read. */
export async function serve(handle: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void): Promise<Server> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    handle(req, res, Buffer.concat(chunks));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

export interface Spread { min: number; q1: number; median: number; q3: number; max: number; n: number }

/** Quartiles by linear interpolation between the closest ranks. */
export function spread(values: number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => {
    const i = (s.length - 1) * p;
    const lo = Math.floor(i);
    return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
  };
  return { min: s[0], q1: q(0.25), median: q(0.5), q3: q(0.75), max: s[s.length - 1], n: s.length };
}

/** "12.3 (IQR 11.0–14.1, min–max 10.2–19.9)", every figure with `digits` decimals. */
export function fmtSpread(values: number[], digits = 2, unit = ''): string {
  const s = spread(values);
  const f = (v: number) => v.toFixed(digits);
  return `${f(s.median)}${unit} (IQR ${f(s.q1)}–${f(s.q3)}, min–max ${f(s.min)}–${f(s.max)}, n=${s.n})`;
}

/** Waits for cond() with a deadline: never a fixed sleep as synchronisation. */
export async function waitFor(cond: () => boolean | Promise<boolean>, deadlineMs: number, what: string, stepMs = 20): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export interface AppBundle {
  /** Output files by name. */
  files: Map<string, Uint8Array>;
  entry: string;
  /** What a page loads before the app runs: the entry and every chunk it imports statically. */
  upfront: Set<string>;
}

/** An app bundled as a bundler makes it for a page: ES modules, code splitting, minified (esbuild, Vite's default). */
export async function bundleApp(code: string, resolveDir: string, alias: Record<string, string> = {}): Promise<AppBundle> {
  const r = await build({
    stdin: { contents: code, resolveDir, sourcefile: 'app.js' }, bundle: true, format: 'esm', splitting: true, minify: true,
    platform: 'browser', target: 'es2020', outdir: '/out', metafile: true, write: false, alias, logLevel: 'silent',
  });
  const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  const files = new Map(r.outputFiles.map((f) => [base(f.path), f.contents]));
  const outputs = Object.fromEntries(Object.entries(r.metafile.outputs).map(([k, v]) => [base(k), v]));
  const entry = Object.keys(outputs).find((k) => outputs[k].entryPoint)!;
  const upfront = new Set<string>();
  const walk = (k: string) => {
    if (upfront.has(k)) return;
    upfront.add(k);
    for (const imp of outputs[k].imports) if (imp.kind === 'import-statement') walk(base(imp.path));
  };
  walk(entry);
  return { files, entry, upfront };
}

/** How an app imports Plume in these measurements: the built entries in dist/. */
export const PLUME_ALIAS = { plume: `${ROOT}dist/browser.js`, 'plume/edge': `${ROOT}dist/edge.js` };
