// A project without @opentelemetry/api installed: Plume's types are complete on their own.
import { init, SpanKind, type Attributes, type Baggage, type Context, type Meter, type Span, type Tracer } from 'plume';

const plume = init({ endpoint: 'https://collector.example.com:4318' });
const tracer: Tracer = plume.getTracer('app', '1.0.0');
const result: Promise<number> = tracer.startActiveSpan('work', { kind: SpanKind.CLIENT }, async (span: Span) => {
  const attrs: Attributes = { 'cart.items': 3 };
  span.setAttributes(attrs).end();
  return 3;
});
const ctx: Context = plume.context.active();
const bag: Baggage = plume.propagation.createBaggage({ tier: { value: 'gold' } });
plume.propagation.setBaggage(ctx, bag);
const meter: Meter = plume.meter;
meter.createCounter('c').add(1);
// @ts-expect-error: span kind 9
tracer.startSpan('x', { kind: 9 });
export { result };
