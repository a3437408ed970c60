// The bundled dev collector: an OTLP/HTTP receiver that answers like the OpenTelemetry
// Collector, an embedded SQLite store, and a viewer. Tests start one in-process:
//
//   const c = await startCollector({ corsOrigins: ['http://127.0.0.1:8080'] });
//   ... send to `${c.url}/v1/traces` ...
//   await c.waitFor((c) => c.received.traces.spans >= 3);
//   c.query.spans({ name: 'GET /cart' });
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { corsPolicy, type CorsOptions } from './cors.js';
import type { InvalidIdPolicy } from './decode.js';
import {
  createRequestHandler, emptyReceived, type Fault, type Received, type ReceiverState, type RequestRecord,
} from './receiver.js';
import type { Signal } from './schema.js';
import { Store, type StoreCounts } from './store.js';
import { directorySymbolicator } from './sourcemaps.js';
import type { SymbolicatorStats } from '../../src/edge/symbolicate/index.js';
import type { LogQuery, LogRow, MetricQuery, MetricRow, SpanQuery, SpanRow, TraceQuery, TraceSummary } from './types.js';

export type { Received, RequestRecord } from './receiver.js';
export type * from './types.js';

export interface CollectorOptions extends CorsOptions {
  host?: string;
  /** 0 (the default here) picks a free port; the CLI defaults to 4318. */
  port?: number;
  /** Where the SQLite file lives; without it everything stays in memory. */
  dataDir?: string;
  /** Limit on the body as sent and, again, after decompression. Default 4 MiB. */
  maxBodyBytes?: number;
  /** Rows kept per signal (spans, metric points, log records); the oldest rotate out. Default 200,000. */
  maxSpans?: number;
  /**
   * A trace or span id of the wrong length: 'item' (default) rejects that span, point or
   * record through partial_success and stores the rest; 'request' refuses the whole request
   * with 400, which is what the OpenTelemetry Collector itself does.
   */
  invalidIds?: InvalidIdPolicy;
  /** Called with one line per receiver request (the CLI's --verbose). */
  log?: (line: string) => void;
  /**
   * A folder of private source maps (`<script path>.map`, `debug-id/<id>.map`, as plume/build
   * writes them): exception stacks are symbolicated before they are stored, as the relay does.
   */
  sourceMaps?: string;
}

export interface FailNextOptions {
  /** HTTP status to answer with. Default 503. */
  status?: number;
  /** How many export requests to refuse. Default 1. */
  times?: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** Only refuse exports of this signal. */
  signal?: Signal;
  message?: string;
}

export interface Collector {
  readonly url: string;
  readonly port: number;
  /** Live counters, reset in place by reset(). */
  readonly received: Received;
  /** With sourceMaps: what the symbolicator did (stacks, frames, maps), per collector. */
  readonly symbolication: SymbolicatorStats | undefined;
  /** The last 500 receiver requests (OTLP paths, preflights, strays), oldest first. */
  readonly requests: RequestRecord[];
  /** Resolves once pred(collector) is true; rejects after timeoutMs with what was received. */
  waitFor(pred: (c: Collector) => boolean | Promise<boolean>, timeoutMs?: number): Promise<Collector>;
  readonly query: {
    spans(q?: SpanQuery): SpanRow[];
    traces(q?: TraceQuery): TraceSummary[];
    metrics(q?: MetricQuery): MetricRow[];
    logs(q?: LogQuery): LogRow[];
    /** Rows stored per table right now. */
    counts(): StoreCounts;
  };
  /** Refuses the next export request(s) with an error status, e.g. to exercise SDK retries. */
  failNext(options?: FailNextOptions): void;
  /** Empties the store, the counters and the request log. */
  reset(): void;
  /** Writes the store to dataDir (if any) and closes every socket. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
const DEFAULT_MAX_ROWS = 200_000;

export async function startCollector(options: CollectorOptions = {}): Promise<Collector> {
  const host = options.host ?? '127.0.0.1';
  const store = await Store.open({ dataDir: options.dataDir, maxRows: options.maxSpans ?? DEFAULT_MAX_ROWS });
  const state: ReceiverState = {
    store,
    received: emptyReceived(),
    requests: [],
    cors: corsPolicy(options),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    invalidIds: options.invalidIds ?? 'item',
    faults: [],
    log: options.log,
    startedAt: Date.now(),
    symbolicator: options.sourceMaps
      ? directorySymbolicator(options.sourceMaps, (m) => (options.log ?? console.warn)(`collector: symbolication: ${m}`))
      : undefined,
  };

  // confighttp's defaults: idle connections kept a minute, a minute to send the request.
  const server: Server = createServer({ keepAliveTimeout: 60_000, requestTimeout: 60_000 }, createRequestHandler(state));
  // Malformed HTTP (bad request line, oversized headers) is answered like Go's server does.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${status}`);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  server.on('error', (err) => console.error(`collector: server error: ${err.message}`));

  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;

  const collector: Collector = {
    url,
    port,
    received: state.received,
    symbolication: state.symbolicator?.stats,
    requests: state.requests,
    async waitFor(pred, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let lastError: unknown;
      for (;;) {
        try {
          if (await pred(collector)) return collector;
          lastError = undefined;
        } catch (err) {
          lastError = err;
        }
        if (Date.now() >= deadline) throw new Error(timeoutMessage(pred, timeoutMs, lastError, state));
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    query: {
      spans: (q) => store.spans(q),
      traces: (q) => store.traces(q),
      metrics: (q) => store.metrics(q),
      logs: (q) => store.logs(q),
      counts: () => store.count(),
    },
    failNext(o = {}) {
      const status = o.status ?? 503;
      state.faults.push({
        status, times: o.times ?? 1, retryAfter: o.retryAfter, signal: o.signal,
        message: o.message ?? `refused on request (failNext): ${status}`,
      } satisfies Fault);
    },
    reset() {
      store.clear();
      resetInPlace(state.received);
      state.requests.length = 0;
      state.faults.length = 0;
    },
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await store.close();
      })();
      return closing;
    },
  };
  return collector;
}

/** Zeroes the counters without replacing any object a caller may hold on to. */
function resetInPlace(received: Received): void {
  const fresh = emptyReceived();
  received.requests = 0;
  received.symbolicated = 0;
  Object.assign(received.traces, fresh.traces);
  Object.assign(received.metrics, fresh.metrics);
  Object.assign(received.logs, fresh.logs);
  Object.assign(received.rotated, fresh.rotated);
  for (const status of Object.keys(received.rejected)) delete received.rejected[status];
}

function timeoutMessage(pred: unknown, timeoutMs: number, lastError: unknown, state: ReceiverState): string {
  const source = String(pred).replace(/\s+/g, ' ').slice(0, 200);
  const recent = state.requests.slice(-5).map((r) => `${r.method} ${r.path} → ${r.status || 'abandoned'}${r.error ? ` (${r.error})` : ''}`);
  return [
    `waitFor timed out after ${timeoutMs} ms: ${source}`,
    lastError ? `the predicate last threw: ${lastError instanceof Error ? lastError.message : lastError}` : '',
    `received: ${JSON.stringify(state.received)}`,
    `stored: ${JSON.stringify(state.store.count())}`,
    `last requests: ${recent.length ? recent.join('; ') : 'none'}`,
  ].filter(Boolean).join('\n  ');
}
