// After shutdown() the sender keeps retrying what it could not deliver, with a timer that is
// not unref'd (src/transport/sender.ts:51; the exporter's own timer, exporter.ts:165, neither):
// while the collector is down a Node process that called shutdown() never exits, and the
// transport is still called after shutdown (OTel: no export after Shutdown).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { coreWith, quiet, scripted, tick } from './delivery-harness.js';

describe('shutdown with a collector that is down', () => {
  it('the transport is not called after shutdown() resolved', async () => {
    const w = quiet();
    const t = scripted({ auto: () => ({ ok: false, status: 503, retryable: true, retryAfterMs: 200 }) });
    const core = coreWith(t.transport);
    core.tracer.startSpan('s').end();
    await core.shutdown();
    const atShutdown = t.live.length;
    await tick(1200);
    console.log(`live calls at shutdown: ${atShutdown}; 1.2 s later: ${t.live.length}`);
    w.mockRestore();
    expect(t.live.length).toBe(atShutdown);
  });

  it('a Node process exits after shutdown() (no ref\'d retry timer)', async () => {
    // A port with nothing listening.
    const port = await new Promise<number>((r) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as any).port; s.close(() => r(p)); }); });
    const script = fileURLToPath(new URL('./shutdown-child.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, String(port)], { cwd: fileURLToPath(new URL('../../..', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = await new Promise<boolean>((r) => {
      const timer = setTimeout(() => r(false), 15_000); // generous: tsx starts slowly on a loaded machine
      child.on('exit', () => { clearTimeout(timer); r(true); });
    });
    if (!exited) child.kill('SIGKILL');
    console.log(`child output: ${out.trim()}; exited within 15 s of start: ${exited}`);
    expect(out).toContain('shutdown resolved');
    expect(exited).toBe(true);
  }, 30_000);
});
