// batch.exportTimeoutMillis bounds fetch only (AbortSignal.timeout, src/transport/index.ts:81-91).
// A custom transport function is awaited with no limit (index.ts:97-100): one that never
// settles holds its request "in flight" forever, flush() and shutdown() never resolve, and
// after MAX_INFLIGHT (2, sender.ts:15) such requests nothing recorded later is ever sent.
import { describe, expect, it } from 'vitest';
import type { Signal } from '../../helpers/otlp-schema.js';
import { coreWith, quiet, spanNames, tick } from './delivery-harness.js';

describe('custom transport that never settles', () => {
  it('flush() resolves within exportTimeoutMillis and later data still goes out', async () => {
    const w = quiet();
    const names: string[] = [];
    let hangs = 2; // the vendor endpoint hangs twice, then works
    const fn = (body: Uint8Array, signal: Signal) => {
      names.push(...spanNames(signal, body));
      return hangs-- > 0 ? new Promise<void>(() => {}) : undefined;
    };
    const core = coreWith(undefined, { batch: { exportTimeoutMillis: 200 } }, fn);
    core.tracer.startSpan('first').end();
    const r1 = await Promise.race([core.flush().then(() => 'resolved'), tick(1000).then(() => 'still pending after 1 s')]);
    core.tracer.startSpan('second').end();
    void core.flush();
    await tick(300);
    core.tracer.startSpan('third').end();
    void core.flush();
    await tick(1500);
    console.log(`flush(): ${r1}; spans handed to the transport: ${JSON.stringify(names)}; in flight: ${(core.exporter.sender as any).inflight}`);
    w.mockRestore();
    expect(r1).toBe('resolved');
    expect(names).toContain('third');
  });
});
