// The viewer's JSON API. Read-only: nothing under /api changes the store, so a page on another
// origin gains nothing by making the browser call it.
import { DURATION_METRICS, errorGroups, requestDurations, VITAL_METRICS, webVitals } from './analysis.js';
import { viewerFrames } from './sourcemaps.js';
import type { ReceiverState } from './state.js';
import type { StatusFilter } from './types.js';

export interface ApiAnswer { status: number; body: unknown }

const DEFAULT_LIST_LIMIT = 200;
const MAX_LIST_LIMIT = 10_000;

class BadQuery extends Error {}

function param(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  return value === null || value.trim() === '' ? undefined : value.trim();
}

function limitParam(query: URLSearchParams, fallback = DEFAULT_LIST_LIMIT): number {
  const raw = param(query, 'limit');
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new BadQuery(`limit must be a non-negative integer, not ${raw}`);
  return Math.min(n, MAX_LIST_LIMIT);
}

function statusParam<T extends string>(query: URLSearchParams, allowed: T[]): T | undefined {
  const raw = param(query, 'status');
  if (raw === undefined) return undefined;
  if (!allowed.includes(raw as T)) throw new BadQuery(`status must be one of ${allowed.join(', ')}, not ${raw}`);
  return raw as T;
}

export async function handleApi(state: ReceiverState, method: string, path: string, query: URLSearchParams): Promise<ApiAnswer> {
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, body: { error: `${method} not allowed; the API is read-only` } };
  try {
    if (path === '/api/errors') return await errors(state);
    return route(state, path, query);
  } catch (err) {
    if (err instanceof BadQuery) return { status: 400, body: { error: err.message } };
    throw err;
  }
}

function route(state: ReceiverState, path: string, query: URLSearchParams): ApiAnswer {
  const { store } = state;
  const ok = (body: unknown): ApiAnswer => ({ status: 200, body });
  switch (path) {
    case '/api/stats':
      return ok({ received: state.received, stored: store.count(), startedAt: state.startedAt });
    case '/api/traces':
      return ok({
        traces: store.traces({
          service: param(query, 'service'),
          name: param(query, 'name'),
          status: statusParam(query, ['error', 'ok']),
          sessionId: param(query, 'session') ?? param(query, 'sessionId'),
          limit: limitParam(query),
        }),
        services: store.services(),
      });
    case '/api/spans':
      return ok({
        spans: store.spans({
          service: param(query, 'service'),
          name: param(query, 'name'),
          traceId: param(query, 'traceId'),
          status: statusParam<Exclude<StatusFilter, number>>(query, ['error', 'ok', 'unset']),
          sessionId: param(query, 'session') ?? param(query, 'sessionId'),
          limit: limitParam(query),
        }),
      });
    case '/api/metrics':
      return ok({ metrics: store.metrics({ name: param(query, 'name'), service: param(query, 'service'), limit: limitParam(query, 1000) }) });
    case '/api/logs': {
      const severity = param(query, 'severityMin');
      if (severity !== undefined && !Number.isInteger(Number(severity))) throw new BadQuery(`severityMin must be an integer, not ${severity}`);
      return ok({
        logs: store.logs({
          service: param(query, 'service'), traceId: param(query, 'traceId'),
          severityMin: severity === undefined ? undefined : Number(severity), limit: limitParam(query, 1000),
        }),
      });
    }
    case '/api/vitals':
      return ok(webVitals(store.metricsNamed(VITAL_METRICS)));
    case '/api/durations':
      return ok({ rows: requestDurations(store.metricsNamed(DURATION_METRICS)) });
  }
  const trace = /^\/api\/trace\/([0-9a-fA-F]{32})$/.exec(path);
  if (trace) {
    const traceId = trace[1].toLowerCase();
    const spans = store.spans({ traceId });
    if (spans.length === 0) return { status: 404, body: { error: `no spans of trace ${traceId} (never received, or rotated out)` } };
    const logs = store.logs({ traceId });
    return ok({ traceId, spans, logs });
  }
  if (path.startsWith('/api/trace/')) return { status: 400, body: { error: 'a trace id is 32 hex characters' } };
  return { status: 404, body: { error: `no such API: ${path}` } };
}

/** Error groups; with --source-maps, each symbolicated group's original frames with source context. */
async function errors(state: ReceiverState): Promise<ApiAnswer> {
  const { spans, logs } = state.store.exceptionSources();
  const groups = errorGroups(spans, logs);
  const s = state.symbolicator;
  const out = s
    ? await Promise.all(groups.map(async ({ attributes, ...g }) => ({ ...g, frames: await viewerFrames(s, attributes) })))
    : groups.map(({ attributes, ...g }) => g);
  return { status: 200, body: { groups: out } };
}
