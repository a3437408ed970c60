// What the edge tests share: bundling the test workers, an upstream that records the trace
// headers it saw, a gate in front of the collector (to hold exports back), and starting the
// runtimes (workerd, Deno) as child processes that are always killed again.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WORKERS = join(ROOT, 'test/edge/workers');
const BIN = join(ROOT, 'node_modules/.bin');

/** dist/plume.wasm (npm run build); compiled here with asc if the build has not run. */
export function wasmFile(dir: string): string {
  const out = join(dir, 'plume.wasm');
  const dist = join(ROOT, 'dist/plume.wasm');
  if (existsSync(dist)) {
    copyFileSync(dist, out);
  } else {
    const asc = spawnSyncOk(join(BIN, 'asc'), ['wasm/assembly/index.ts', '--runtime', 'stub', '-O2', '--noAssert', '--use', 'abort=', '--outFile', out]);
    if (!asc) throw new Error('no dist/plume.wasm and asc failed: run npm run build');
  }
  return out;
}

function spawnSyncOk(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' }).status === 0;
}

export function tempDir(name: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `plume-edge-${name}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** esbuild: the wasm embedded as bytes (runtimes that compile at run time). */
export const wasmAsBytes = (file: string): BuildOptions => ({
  plugins: [{
    name: 'plume-wasm-bytes',
    setup(b) {
      b.onResolve({ filter: /\/plume\.wasm$/ }, () => ({ path: file }));
      b.onLoad({ filter: /\.wasm$/ }, () => ({ contents: readFileSync(file), loader: 'binary' }));
    },
  }],
});

export async function bundle(entry: string, outfile: string, options: BuildOptions = {}): Promise<string> {
  await build({
    entryPoints: [join(WORKERS, entry)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    logLevel: 'error',
    ...options,
  });
  return readFileSync(outfile, 'utf8');
}

// ---- servers in this process

export interface Seen { path: string; method: string; headers: Record<string, string>; body: string }

export interface Upstream {
  url: string;
  /** Requests by their `id` query parameter. */
  seen: Map<string, Seen>;
  close(): Promise<void>;
}

const listen = (server: Server): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

const close = (server: Server): Promise<void> =>
  new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });

const headersOf = (req: IncomingMessage): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
};

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The service the workers call: answers with its own Server-Timing, including a traceparent of its own. */
export async function startUpstream(): Promise<Upstream> {
  const seen = new Map<string, Seen>();
  const server = createServer(async (req, res) => {
    const body = (await bodyOf(req)).toString();
    const url = new URL(req.url ?? '/', 'http://x');
    seen.set(url.searchParams.get('id') ?? '', { path: url.pathname, method: req.method ?? '', headers: headersOf(req), body });
    res.writeHead(200, {
      'content-type': 'text/plain',
      'server-timing': 'db;dur=1.5, traceparent;desc="00-11111111111111111111111111111111-2222222222222222-01"',
    }).end('hello');
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, seen, close: () => close(server) };
}

export interface Gate {
  url: string;
  /** Export requests that reached the gate (held or not). */
  arrived: number;
  /** Export requests waiting at a closed gate. */
  waiting: number;
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

/** A proxy in front of the collector that can hold exports back until released. */
export async function startGate(target: string): Promise<Gate> {
  let open: Promise<void> = Promise.resolve();
  let release = () => {};
  const gate: Gate = {
    url: '', arrived: 0, waiting: 0,
    hold() { open = new Promise((r) => { release = r; }); },
    release() { release(); },
    close: () => close(server),
  };
  const server = createServer(async (req, res) => {
    const body = await bodyOf(req);
    gate.arrived++;
    gate.waiting++;
    await open;
    gate.waiting--;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(headersOf(req))) if (k === 'content-type' || k.startsWith('x-')) headers[k] = v;
    try {
      const r = await fetch(`${target}${req.url}`, { method: req.method, headers, body: req.method === 'POST' ? (body as BodyInit) : undefined });
      const answer = Buffer.from(await r.arrayBuffer());
      res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/octet-stream' }).end(answer);
    } catch {
      res.writeHead(502).end();
    }
  });
  gate.url = `http://127.0.0.1:${await listen(server)}`;
  return gate;
}

export interface Recorded extends Seen { bytes: Uint8Array }

/** How the fake collector answers one request: a status, headers and a body, or raw control of the response. */
export type Answer = (req: Recorded, res: ServerResponse) => void;

export interface FakeCollector {
  url: string;
  /** Every request that reached it, in order of arrival. */
  seen: Recorded[];
  /** How requests are answered from now on (default: 200 with an empty protobuf body). */
  answer: Answer;
  close(): Promise<void>;
}

/**
 * A recording fake collector for what the real one never does: redirects, odd statuses,
 * hostile or huge bodies. Everything that reaches it is recorded, body bytes included.
 */
export async function startFakeCollector(answer?: Answer): Promise<FakeCollector> {
  const fake: FakeCollector = {
    url: '', seen: [],
    answer: answer ?? ((_, res) => { res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(); }),
    close: () => close(server),
  };
  const server = createServer(async (req, res) => {
    const bytes = new Uint8Array(await bodyOf(req));
    const url = new URL(req.url ?? '/', 'http://x');
    const seen: Recorded = {
      path: url.pathname, method: req.method ?? '', headers: headersOf(req), body: Buffer.from(bytes).toString(), bytes,
    };
    fake.seen.push(seen);
    try { fake.answer(seen, res); } catch { res.destroy(); }
  });
  // Idle connections stay open: a server closing one just as the relay's fetch reuses it is a
  // reset (ECONNRESET) that says nothing about the relay.
  server.keepAliveTimeout = 60_000;
  fake.url = `http://127.0.0.1:${await listen(server)}`;
  return fake;
}

/** A POST sent from a given local address (127.0.0.x: another peer to the server); its status. */
export function postFrom(localAddress: string, url: string, headers: Record<string, string>, body: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const options = { method: 'POST', localAddress, headers: { 'content-length': String(body.length), ...headers } };
    const req = httpRequest(url, options, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A port nothing listens on (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await close(server);
  return port;
}

// ---- runtimes

export interface RuntimeProcess {
  /** stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
// A test run that dies must not leave a workerd or deno behind.
process.once('exit', () => { for (const c of children) c.kill('SIGKILL'); });

function own(child: ChildProcess): { output: () => string; stop: () => Promise<void> } {
  children.add(child);
  let out = '';
  child.stdout?.on('data', (d) => { out += d; });
  child.stderr?.on('data', (d) => { out += d; });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      }
      children.delete(child);
    },
  };
}

/** workerd serve config.capnp in dir; resolves with the port of each socket once all listen. */
export async function startWorkerd(dir: string, sockets: string[]): Promise<RuntimeProcess & { ports: Record<string, number> }> {
  // node_modules/.bin/workerd is the binary itself (no node wrapper), so killing it ends workerd.
  const child = spawn(join(BIN, 'workerd'), ['serve', 'config.capnp', '--control-fd=3'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  const p = own(child);
  const ports: Record<string, number> = {};
  try {
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => reject(new Error(`workerd did not listen in 20 s:\n${p.output()}`)), 20_000);
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`workerd exited (${code}):\n${p.output()}`)); });
      (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
        buf += d;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          try {
            const m = JSON.parse(line) as { event: string; socket: string; port: number };
            if (m.event === 'listen') ports[m.socket] = m.port;
          } catch { /* not ours */ }
        }
        if (sockets.every((s) => ports[s])) { clearTimeout(timer); resolve(); }
      });
    });
  } catch (e) {
    await p.stop();
    throw e;
  }
  return { ...p, ports };
}

/** deno run script args…; resolves once the script printed "LISTEN <port>". */
export async function startDeno(script: string, args: string[]): Promise<RuntimeProcess & { port: number }> {
  const child = spawn(join(BIN, 'deno'), ['run', '--allow-net=127.0.0.1', '--no-prompt', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
  });
  const p = own(child);
  let port = 0;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`deno did not listen in 20 s:\n${p.output()}`)), 20_000);
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`deno exited (${code}):\n${p.output()}`)); });
      child.stdout!.on('data', () => {
        const m = /LISTEN (\d+)/.exec(p.output());
        if (m) { clearTimeout(timer); resolve(Number(m[1])); }
      });
    });
  } catch (e) {
    await p.stop();
    throw e;
  }
  return { ...p, port };
}

export function writeFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** traceparent out of `traceparent;desc="…"` in a Server-Timing value. */
export function serverTimingTraceparent(v: string | null): { traceId: string; spanId: string; flags: string } | undefined {
  const m = /traceparent;desc="00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})"/.exec(v ?? '');
  return m ? { traceId: m[1], spanId: m[2], flags: m[3] } : undefined;
}
