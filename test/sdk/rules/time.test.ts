// Time inputs (OTel TimeInput) that are not valid times.
import { describe, expect, it } from 'vitest';
import { setup } from './core-harness.js';

describe('time inputs', () => {
  it('an Invalid Date start time does not make a span start in 1970', async () => {
    const { core, spans } = setup();
    core.tracer.startSpan('s', { startTime: new Date('not a date') }).end();
    await core.flush();
    const [s] = spans();
    const start = BigInt(s.startTimeUnixNano ?? 0), end = BigInt(s.endTimeUnixNano);
    // Received: startTimeUnixNano absent (0, i.e. 1970), a span of ~56 years.
    expect(end - start).toBeLessThan(10n ** 9n);
  });

  it('an Invalid Date end time does not give a negative duration', async () => {
    const { core, spans } = setup();
    core.tracer.startSpan('s').end(new Date(NaN));
    await core.flush();
    const [s] = spans();
    const start = BigInt(s.startTimeUnixNano ?? 0), end = BigInt(s.endTimeUnixNano ?? 0);
    expect(end).toBeGreaterThanOrEqual(start); // span.ts:103 promises no negative duration
  });

  it('an HrTime with NaN parts is ignored like a NaN number', async () => {
    const { core, spans } = setup();
    const s = core.tracer.startSpan('s');
    s.addEvent('e', [NaN, 0]);
    s.end();
    await core.flush();
    const [sp] = spans();
    expect(BigInt(sp.events[0].timeUnixNano ?? 0)).toBeGreaterThanOrEqual(BigInt(sp.startTimeUnixNano));
  });

  it('a log record with an Invalid Date timestamp is not dated 1970', async () => {
    const { core, logs } = setup();
    core.logger.emit({ body: 'x', timestamp: new Date('garbage') });
    await core.flush();
    const [l] = logs();
    expect(BigInt(l.timeUnixNano ?? 0)).toBeGreaterThan(0n);
  });
});
