// The CLI (npx tsx demo/collector/main.ts …): flags reach the collector, SIGTERM writes the
// store, and a restart on the same --data directory serves what was stored.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { rawRequest, traceId, tracesBody } from './otlp.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// `node --import tsx` rather than the tsx CLI: one process, so a failed test's SIGKILL leaves no
// orphaned grandchild holding a port. The README's `npx tsx` runs the same code.
const NODE_ARGS = ['--import', 'tsx', 'demo/collector/main.ts'];
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function launch(args: string[]): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [...NODE_ARGS, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => { output += d; });
  child.stderr!.on('data', (d: Buffer) => { output += d; });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up line within 20 s:\n${output}`)), 20_000);
    child.stdout!.on('data', () => {
      const match = /collector listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code} before listening:\n${output}`)));
  });
  return { child, url, output: () => output };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });
}

it('serves OTLP and the viewer, applies CORS flags, and keeps --data across SIGTERM and restart', { timeout: 60_000 }, async () => {
  const data = mkdtempSync(join(tmpdir(), 'plume-cli-'));
  dirs.push(data);
  const origin = 'http://127.0.0.1:8080';
  const first = await launch(['--port', '0', '--data', data, '--cors-origin', origin, '--cors-max-age', '600', '--verbose']);
  expect(first.output()).toContain(`CORS       ${origin}`);

  const preflight = await rawRequest(first.url, {
    method: 'OPTIONS', path: '/v1/traces',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers['access-control-allow-origin']).toBe(origin);
  expect(preflight.headers['access-control-max-age']).toBe('600');

  const t = traceId();
  const post = await rawRequest(first.url, {
    method: 'POST', path: '/v1/traces', headers: { 'content-type': 'application/x-protobuf', origin },
    body: tracesBody([{ service: 'cli', spans: [{ traceId: t, name: 'from the cli test' }] }]),
  });
  expect(post.status).toBe(200);
  expect(post.headers['access-control-allow-credentials']).toBe('true');
  expect((await rawRequest(first.url, { path: '/' })).body.toString()).toContain('Plume dev collector');

  first.child.kill('SIGTERM');
  expect(await exitOf(first.child)).toBe(0);
  expect(first.output()).toMatch(/POST \/v1\/traces 200/);
  expect(existsSync(join(data, 'collector.sqlite'))).toBe(true);

  const second = await launch(['--port', '0', '--data', data]);
  const traces = JSON.parse((await rawRequest(second.url, { path: '/api/traces' })).body.toString());
  expect(traces.traces).toMatchObject([{ traceId: t, rootName: 'from the cli test', services: ['cli'] }]);
  second.child.kill('SIGINT');
  expect(await exitOf(second.child)).toBe(0);
});

it('refuses unknown flags with a usage message and exit code 2', { timeout: 30_000 }, async () => {
  const child = spawn(process.execPath, [...NODE_ARGS, '--no-such-flag'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d; });
  expect(await exitOf(child)).toBe(2);
  expect(stderr).toMatch(/Unknown option '--no-such-flag'[\s\S]*--cors-origin <origin>/);
});
