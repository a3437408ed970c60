// Errors: uncaught `error`, `unhandledrejection` and resource load failures, each as a log
// record with exception.* attributes (linked to the active span), an `exception` event on the
// active span, and a count in the browser.errors metric. Bursts of one error are limited
// (maxPerMinute per type+message); what is held back is counted, in the metric and in
// plume.errors.suppressed on the next record of that error. The debug IDs of the scripts in
// a stack go with it (plume.exception.debug_ids), so the relay finds their source maps.
import { now } from '../lib/clock.js';
import { DEBUG_IDS, debugIdsOf } from '../lib/debug-ids.js';
import { guard } from '../lib/diag.js';
import { once } from '../lib/once.js';
import { fullUrl, toUrl } from '../lib/url.js';
import { exceptionAttributes, RecordingSpan } from '../sdk/span.js';
import { getActiveSpan } from '../sdk/span-context.js';
import type { Instrumentation } from './types.js';

type Attrs = Record<string, string | number | string[]>;

const WINDOW_MS = 60_000;
const MAX_KEYS = 1000;

export const errorsInstrumentation = (): Instrumentation => ({
  name: 'errors',
  install(ctx) {
    if (typeof window !== 'object') return;
    const opt = ctx.config.instrumentations.errors;
    const maxPerMinute = typeof opt === 'object' && typeof opt.maxPerMinute === 'number' ? opt.maxPerMinute : 10;
    const logger = ctx.core.getLogger('plume.errors');
    const counter = once(() => ctx.core.getMeter('plume.errors').createCounter('browser.errors', {
      unit: '{error}', valueType: 0 /* ValueType.INT */, description: 'Uncaught errors, unhandled rejections and failed resource loads.',
    }));
    const seen = new Map<string, { since: number; n: number; held: number }>();

    const record = (attrs: Attrs, kind: string, time = now()) => {
      const type = String(attrs['exception.type'] ?? 'Error');
      counter().add(1, { 'exception.type': type, 'browser.error.kind': kind });
      const key = `${type}\u0000${attrs['exception.message'] ?? ''}`;
      let s = seen.get(key);
      // Messages with ids in them are all different: past MAX_KEYS the oldest is forgotten
      // (its count is in browser.errors already), so the map stays bounded.
      if (!s && seen.size >= MAX_KEYS) seen.delete(seen.keys().next().value!);
      if (!s || time - s.since > WINDOW_MS) seen.set(key, (s = { since: time, n: 0, held: s?.held ?? 0 }));
      if (++s.n > maxPerMinute) { s.held++; return; }
      const extra: Record<string, unknown> = { 'browser.error.kind': kind };
      if (s.held) { extra['plume.errors.suppressed'] = s.held; s.held = 0; }
      const span = getActiveSpan();
      if (span instanceof RecordingSpan && span.isRecording()) span.addEvent('exception', attrs, time);
      logger.emit({
        timestamp: time, severityNumber: 17 /* SeverityNumber.ERROR */, severityText: 'ERROR', eventName: 'exception',
        body: attrs['exception.message'] ?? type, attributes: { ...attrs, ...extra },
      });
    };

    // No error object (a cross-origin "Script error.", ResizeObserver's loop error): the
    // event's message stands, not "null".
    const fromError = (error: unknown, fallback: Record<string, string>): Attrs => {
      if (error == null) return { ...fallback };
      const attrs: Attrs = { ...fallback, ...exceptionAttributes(error) };
      // The page owns those globals: whatever they hold, the error is still recorded.
      const ids = attrs['exception.stacktrace'] && guard(() => debugIdsOf(attrs['exception.stacktrace'] as string));
      if (ids) attrs[DEBUG_IDS] = ids;
      return attrs;
    };

    const onError = (e: Event, time?: number) => guard(() => {
      if (e.type === 'unhandledrejection') return onRejection(e, time);
      if (typeof ErrorEvent === 'function' && e instanceof ErrorEvent) {
        const attrs = fromError(e.error, { 'exception.type': 'Error', 'exception.message': e.message });
        if (e.filename) attrs['code.file.path'] = e.filename;
        // Integers, as the semantic conventions type them.
        if (e.lineno) attrs['code.line.number'] = e.lineno;
        if (e.colno) attrs['code.column.number'] = e.colno;
        record(attrs, 'error', time);
        return;
      }
      // Resource errors do not bubble; the capture listener on window still sees them.
      const el = e.target as (Element & { src?: string; href?: string; currentSrc?: string }) | null;
      if (!el || el === (window as unknown) || typeof el.tagName !== 'string') return;
      const raw = el.currentSrc || el.src || el.href || '';
      const u = toUrl(raw);
      const url = u ? fullUrl(u, ctx.config.redactQueryParams) : String(raw);
      record({ 'exception.type': 'ResourceLoadError', 'exception.message': `failed to load <${el.tagName.toLowerCase()}> ${url}`, 'url.full': url }, 'resource', time);
    });
    const onRejection = (e: Event, time?: number) => guard(() => {
      const reason = (e as PromiseRejectionEvent).reason;
      record(fromError(reason, { 'exception.type': 'UnhandledRejection' }), 'unhandledrejection', time);
    });
    const listener = (e: Event) => onError(e);

    window.addEventListener('error', listener, true);
    window.addEventListener('unhandledrejection', listener);
    // Errors caught elsewhere: events the snippet held before we loaded, or errors handed over.
    ctx.recordError = (error, time) => {
      if (typeof Event === 'function' && error instanceof Event) onError(error, time);
      else guard(() => record(fromError(error, { 'exception.type': 'Error' }), 'error', time));
    };
    return () => {
      window.removeEventListener('error', listener, true);
      window.removeEventListener('unhandledrejection', listener);
    };
  },
});
