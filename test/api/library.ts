// A library instrumented with @opentelemetry/api and @opentelemetry/api-logs only, written as
// OpenTelemetry users write one (its tracer, meter and logger taken at module scope): it knows
// nothing of Plume. The node tests import it after a module that calls init(), as the README
// says to; the browser test bundles it the same way.
import {
  context, logs as apiLogs, metrics, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, ValueType, type Span,
} from '@opentelemetry/api';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';

export const NAME = 'acme-checkout';
export const VERSION = '2.3.4';

const tracer = trace.getTracer(NAME, VERSION);
const meter = metrics.getMeter(NAME, VERSION);
const logger = logs.getLogger(NAME, VERSION);
// @opentelemetry/api 1.10 has a logs API of its own, beside api-logs'.
const apiLogger = apiLogs.getLogger(`${NAME}.api`, VERSION);

const orders = meter.createCounter('acme.orders', { unit: '{order}', valueType: ValueType.INT });
const priced = meter.createHistogram('acme.price', { unit: 'EUR' });
const queue = meter.createObservableGauge('acme.queue.length');
const stock = meter.createObservableUpDownCounter('acme.stock');
queue.addCallback((result) => result.observe(3, { 'acme.queue': 'main' }));
meter.addBatchObservableCallback((result) => { result.observe(stock, 42, { 'acme.sku': 'a-1' }); }, [stock]);

/** The span the API sees as active (Plume's, inside plume.tracer.startActiveSpan). */
export const activeSpan = (): Span | undefined => trace.getActiveSpan();

/**
 * Nested spans through the API (startActiveSpan, and context.with + trace.setSpan), a metric
 * and log records inside them; returns the headers the API's propagation injects there.
 */
export function checkout(items: number): Record<string, string> {
  return tracer.startActiveSpan('acme.checkout', { kind: SpanKind.INTERNAL, attributes: { 'acme.items': items } }, (span) => {
    const price = tracer.startSpan('acme.price');
    context.with(trace.setSpan(context.active(), price), () => {
      priced.record(items * 9.5, { 'acme.currency': 'EUR' });
      apiLogger.emit({ severityNumber: 5, severityText: 'DEBUG', body: 'priced', eventName: 'acme.priced' });
    });
    price.end();
    const tier = propagation.getActiveBaggage()?.getEntry('acme.tier')?.value ?? 'none';
    orders.add(1, { 'acme.tier': tier });
    logger.emit({
      severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: 'checked out', eventName: 'acme.checkout',
      attributes: { 'acme.items': items },
    });
    const headers: Record<string, string> = {};
    propagation.inject(context.active(), headers);
    span.setStatus({ code: SpanStatusCode.OK });
    span.end();
    return headers;
  });
}

/** Runs fn with baggage set through the API. */
export function withTier<T>(tier: string, fn: () => T): T {
  const bag = propagation.createBaggage({ 'acme.tier': { value: tier } });
  return context.with(propagation.setBaggage(context.active(), bag), fn);
}

/** fn inside an API span (its active span), which it returns with fn's result. */
export function around<T>(fn: () => T): { span: Span; result: T } {
  return tracer.startActiveSpan('acme.outer', (span) => {
    try {
      return { span, result: fn() };
    } finally {
      span.end();
    }
  });
}

/** Continues a caller's trace: the API's extract, then a SERVER span under that remote parent. */
export function serve(headers: Record<string, string>): Span {
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  const span = tracer.startSpan('acme.serve', { kind: SpanKind.SERVER }, parent);
  span.end();
  return span;
}

/** A failure as a log record with the api-logs `exception` field. */
export function fail(error: Error): void {
  logger.emit({ severityNumber: SeverityNumber.ERROR, body: 'failed', exception: error });
}

/** A request made inside the library's span (browser: the fetch instrumentation makes it the span's child). */
export function load(url: string): Promise<string> {
  return tracer.startActiveSpan('acme.load', (span) => {
    const text = fetch(url).then((r) => r.text());
    span.end();
    return text;
  });
}
