// What the three backends share: the page-side wrapper that evaluate() sends, the node-side
// poll of waitForFunction(), and the process plumbing (a watchdog that ends whatever the
// driver started if the test process dies without closing the browser).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The expression evaluate() runs in every engine: calls fn with the JSON args, awaits it and
 * answers a JSON string, so results and errors look the same whatever the protocol does with
 * values (WebDriver turns undefined into null, CDP and BiDi have their own serialisers).
 * `hook` is page-side code for the webkit backend: `prelude` runs first, and the value of
 * `extra` comes back beside the result (the errors its hook collected).
 */
export function pageExpression(fn: Function, args: unknown[], hook?: { prelude: string; extra: string }): string {
  if (typeof fn !== 'function') throw new TypeError('evaluate: pass a function, not a string (CSP pages refuse eval)');
  const json = JSON.stringify(args);
  if (json === undefined) throw new TypeError('evaluate: args must be JSON');
  const extra = hook ? `, x: ${hook.extra}` : '';
  return `(async () => { ${hook?.prelude ?? ''}
  let r;
  try { r = { v: await (${fn.toString()})(...${json}) }; }
  catch (e) { r = { e: e instanceof Error ? e.name + ': ' + e.message : String(e), stack: e && e.stack || '' }; }
  try { return JSON.stringify({ ...r${extra} }); }
  catch (e) { return JSON.stringify({ e: 'the result is not JSON: ' + e.message${extra} }); }
})()`;
}

export interface PageAnswer<T> { v?: T; e?: string; stack?: string; x?: unknown }

/** Parses what pageExpression() answered. */
export function pageAnswer<T>(raw: unknown): PageAnswer<T> {
  if (typeof raw !== 'string') throw new Error(`evaluate: unexpected answer from the page: ${String(raw)}`);
  return JSON.parse(raw) as PageAnswer<T>;
}

/** The value pageExpression() answered, or the page's error thrown. */
export function pageResult<T>(raw: unknown): T {
  const r = typeof raw === 'string' ? pageAnswer<T>(raw) : raw as PageAnswer<T>;
  if (r.e !== undefined) {
    const err = new Error(`evaluate: ${r.e}`);
    if (r.stack) err.stack = `${err.message}\n    in the page: ${r.stack}`;
    throw err;
  }
  return r.v as T;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The node-side poll behind every backend's waitForFunction(). */
export async function poll(evaluate: (fn: () => unknown) => Promise<unknown>, fn: () => unknown, timeout = 30_000): Promise<void> {
  const end = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      if (await evaluate(fn)) return;
      last = undefined;
    } catch (e) {
      last = e; // a throw in fn, or a page between two documents: try again
    }
    if (Date.now() >= end) {
      const why = last ? ` (last error: ${(last as Error).message ?? last})` : '';
      throw new Error(`waitForFunction: ${fn.toString()} still falsy after ${timeout} ms${why}`);
    }
    await sleep(50);
  }
}

/** Waits until visibilityState reads `state` (hide()/show() resolve only when it does). */
/** What Playwright's and puppeteer's pages both offer, as far as TabPage needs it. */
export interface Tab {
  goto(url: string, opts: { waitUntil: 'load' }): Promise<unknown>;
  evaluate(expression: string): Promise<unknown>;
  screenshot(opts: { path: string }): Promise<unknown>;
  close(opts?: { runBeforeUnload?: boolean }): Promise<unknown>;
  bringToFront(): Promise<unknown>;
  mouse: { click(x: number, y: number): Promise<unknown> };
}

/**
 * A page that is a browser tab (chromium through Playwright, firefox through puppeteer): the
 * same calls on both libraries. hide() brings a blank tab to the front, which hides this one
 * in both engines, headless too.
 */
export abstract class TabPage<T extends Tab> {
  protected errors: string[] = [];
  protected warnings: string[] = [];
  private cover?: T;

  constructor(protected readonly tab: T, private readonly pages: Set<unknown>, private readonly newTab: () => Promise<T>) {}

  async goto(url: string) {
    await this.tab.goto(url, { waitUntil: 'load' });
  }

  async evaluate<R, A extends unknown[]>(fn: (...args: A) => R | Promise<R>, ...args: A): Promise<Awaited<R>> {
    return pageResult<Awaited<R>>(await this.tab.evaluate(pageExpression(fn, args)));
  }

  waitForFunction(fn: () => unknown, opts: { timeout?: number } = {}) {
    return poll((f) => this.evaluate(f), fn, opts.timeout);
  }

  async screenshot(path: string) {
    await this.tab.screenshot({ path });
  }

  async click(x: number, y: number) {
    await this.tab.mouse.click(x, y);
  }

  async consoleErrors() {
    return [...this.errors];
  }

  async consoleWarnings() {
    return [...this.warnings];
  }

  async close(opts: { runBeforeUnload?: boolean } = {}) {
    if (!this.pages.delete(this)) return;
    await this.cover?.close().catch(() => {});
    await this.tab.close({ runBeforeUnload: opts.runBeforeUnload });
  }

  async hide() {
    this.cover ??= await this.newTab();
    await this.cover.bringToFront();
    await waitVisibility((f) => this.evaluate(f), 'hidden');
  }

  async show() {
    await this.tab.bringToFront();
    await this.cover?.close();
    this.cover = undefined;
    await waitVisibility((f) => this.evaluate(f), 'visible');
  }
}

export async function waitVisibility(evaluate: (fn: () => unknown) => Promise<unknown>, state: 'hidden' | 'visible'): Promise<void> {
  const fn = state === 'hidden' ? () => document.visibilityState === 'hidden' : () => document.visibilityState === 'visible';
  try {
    await poll(evaluate, fn, 5_000);
  } catch {
    throw new Error(`document.visibilityState did not become '${state}'`);
  }
}

/** The path of an executable (a path, or a name looked up in PATH), or an error that says what to install. */
export function executable(file: string, debianPackage: string, envVar: string): string {
  const candidates = file.includes('/') ? [file] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, file));
  for (const c of candidates) {
    try { accessSync(c, constants.X_OK); return c; } catch { /* next */ }
  }
  throw new Error(`${file} not found: apt-get install ${debianPackage} (or point ${envVar} at it)`);
}

/** spawn() in a process group of its own; a failure to start is reported as an exit, never thrown. */
export function spawnGroup(file: string, args: string[], opts: SpawnOptions): ChildProcess {
  const child = spawn(file, args, { ...opts, detached: true });
  child.on('error', (e) => child.emit('exit', null, `failed to start: ${e.message}`));
  return child;
}

/** A free TCP port on 127.0.0.1 (for drivers that need a port number up front). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Resolves with the first match of `re` in a child's output stream, or rejects when it exits first. */
export function waitForOutput(child: ChildProcess, stream: 'stdout' | 'stderr', re: RegExp, what: string, timeout = 30_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const done = (f: () => void) => { clearTimeout(timer); child.off('exit', onExit); child[stream]!.off('data', onData); f(); };
    const onData = (d: Buffer) => {
      seen = (seen + d.toString()).slice(-20_000);
      const m = seen.match(re);
      if (m) done(() => resolve(m));
    };
    const onExit = (code: number | null, signal: string | null) =>
      done(() => reject(new Error(`${what} exited (${signal ?? code}) before it was ready:\n${seen.slice(-2000)}`)));
    const timer = setTimeout(() => done(() => reject(new Error(`${what} was not ready after ${timeout} ms:\n${seen.slice(-2000)}`))), timeout);
    child[stream]!.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Ends a process group we spawned (detached: true makes the child its group's leader). */
export async function endGroup(child: ChildProcess, grace = 3_000): Promise<void> {
  if (child.pid === undefined) return;
  const exited = child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((r) => child.once('exit', () => r()));
  const kill = (sig: NodeJS.Signals) => {
    try { process.kill(-child.pid!, sig); } catch { try { child.kill(sig); } catch { /* gone */ } }
  };
  kill('SIGTERM');
  const t = setTimeout(() => kill('SIGKILL'), grace);
  await exited;
  clearTimeout(t);
  // The leader is gone; take any stragglers of its group with it.
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* none left */ }
}

/**
 * A small detached node process that ends the process groups (and removes the folders) it is
 * told about once its stdin closes, which happens when this process exits however it exits.
 * The normal path never needs it: Browser.close() ends everything and then the watchdog.
 */
export class Watchdog {
  private child: ChildProcess;
  constructor() {
    this.child = spawn(process.execPath, [fileURLToPath(new URL('./watchdog.js', import.meta.url))], {
      stdio: ['pipe', 'ignore', 'ignore'], detached: true,
    });
    this.child.unref();
    (this.child.stdin as unknown as { unref(): void }).unref();
    this.child.stdin!.on('error', () => {});
  }
  guard(pid: number | undefined) { if (pid) this.child.stdin!.write(`pid ${pid}\n`); }
  release(pid: number | undefined) { if (pid) this.child.stdin!.write(`-pid ${pid}\n`); }
  removeOnExit(dir: string) { this.child.stdin!.write(`dir ${dir}\n`); }
  /** Ends the watchdog itself; call after everything it guards has been ended. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.stdin!.end();
    await Promise.race([exited, sleep(5_000)]);
  }
}
