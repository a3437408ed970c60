// A copy of the API loaded after init() (a lazily loaded bundle, say) finds Plume too: the
// registry is read at each call, not when the API loads. (registry.test.ts has copies loaded
// before init().)
import { expect, it } from 'vitest';
import { captured, plume } from './init-first.js';

it('a copy of @opentelemetry/api loaded after init() reaches Plume', async () => {
  const late = await import('otel-api-1.9');
  const span = late.trace.getTracer('late-lib', '0.1.0').startSpan('from-a-late-copy');
  expect(span.isRecording()).toBe(true);
  late.context.with(late.trace.setSpan(late.context.active(), span), () => plume.tracer.startSpan('child-of-late').end());
  span.end();
  await plume.flush();
  const d = captured.delivered();
  const parent = d.spans.find((s) => s.name === 'from-a-late-copy');
  expect(parent.scope).toEqual({ name: 'late-lib', version: '0.1.0' });
  expect(d.spans.find((s) => s.name === 'child-of-late').parentSpanId).toBe(parent.spanId);
});
