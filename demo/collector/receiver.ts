// The HTTP side: OTLP/HTTP export endpoints answering as the OpenTelemetry Collector's
// otlpreceiver does, CORS in front of everything (as confighttp puts it), and the viewer
// with its JSON API behind the same port.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { create, toBinary, toJson } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { handleApi } from './api.js';
import { ClientGone, contentCoding, HttpError, readBody, type BodyStats } from './body.js';
import { actualRequestHeaders, isPreflight, preflightHeaders, type HeaderMap } from './cors.js';
import {
  decodeRequest, DecodeError, flattenLogs, flattenMetrics, flattenTraces,
  type BodyEncoding, type Flattened,
} from './decode.js';
import { PARTIAL_SUCCESS, REJECTED_FIELD, RESPONSE, type Signal } from './schema.js';
import type { Fault, Received, ReceiverState, RequestRecord } from './state.js';
import { serveViewer, VIEWER_PATHS } from './viewer.js';

export { emptyReceived, type Fault, type Received, type ReceiverState, type RequestRecord } from './state.js';

export const REQUEST_LOG_SIZE = 500;

const SIGNAL_PATHS: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/metrics': 'metrics', '/v1/logs': 'logs' };

/** One request in flight: where its answer goes and how it is recorded. */
class Exchange {
  readonly path: string;
  readonly query: URLSearchParams;
  corsHeaders: HeaderMap = {};
  readonly stats: BodyStats = { wireBytes: 0, bodyBytes: 0 };
  private answered = false;

  constructor(
    private state: ReceiverState,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    /** Receiver traffic is counted and kept in the request log; the viewer's own is not. */
    readonly recorded: boolean,
  ) {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    this.path = q < 0 ? target : target.slice(0, q);
    this.query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
  }

  send(status: number, headers: HeaderMap, body?: Uint8Array | string, error?: string): void {
    if (this.answered || this.res.headersSent || this.res.destroyed) return;
    this.answered = true;
    const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
    const all: HeaderMap = { ...this.corsHeaders, ...headers };
    if (status !== 204 && status !== 304) all['Content-Length'] = String(payload?.length ?? 0);
    this.res.writeHead(status, all);
    this.res.end(payload);
    this.record(status, all, error);
  }

  /** The client left before the answer. */
  abandon(reason: string): void {
    if (this.answered) return;
    this.answered = true;
    this.res.destroy();
    this.record(0, {}, reason);
  }

  private record(status: number, responseHeaders: HeaderMap, error?: string): void {
    const { state, req } = this;
    if (!this.recorded) return;
    state.received.requests++;
    if (status >= 400) state.received.rejected[status] = (state.received.rejected[status] ?? 0) + 1;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const lowered: Record<string, string> = {};
    for (const [k, v] of Object.entries(responseHeaders)) lowered[k.toLowerCase()] = v;
    state.requests.push({
      method: req.method ?? '', path: this.path, status, headers, bodyBytes: this.stats.wireBytes,
      time: Date.now(), responseHeaders: lowered, ...(error ? { error } : {}),
    });
    if (state.requests.length > REQUEST_LOG_SIZE) state.requests.splice(0, state.requests.length - REQUEST_LOG_SIZE);
    state.log?.(`${req.method} ${this.path} ${status || 'abandoned'} ${this.stats.wireBytes} B${error ? ` — ${error}` : ''}`);
  }
}

export function createRequestHandler(state: ReceiverState) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    const viewerTraffic = (req.method === 'GET' || req.method === 'HEAD') && (VIEWER_PATHS.has(path) || path.startsWith('/api/'));
    const exchange = new Exchange(state, req, res, !viewerTraffic);
    req.on('error', () => exchange.abandon('request stream failed'));
    handle(state, exchange).catch((err: unknown) => {
      // Reaching here is a collector bug; the client still gets an answer.
      const message = err instanceof Error ? err.stack ?? err.message : String(err);
      console.error(`collector: internal error on ${req.method} ${exchange.path}: ${message}`);
      exchange.send(500, { 'Content-Type': 'text/plain; charset=utf-8' }, `500 internal error: ${err instanceof Error ? err.message : err}\n`, String(err));
    });
  };
}

async function handle(state: ReceiverState, ex: Exchange): Promise<void> {
  const { req } = ex;
  if (state.cors) {
    if (isPreflight(req)) {
      req.resume();
      return ex.send(204, preflightHeaders(state.cors, req));
    }
    ex.corsHeaders = actualRequestHeaders(state.cors, req);
  }
  const signal = SIGNAL_PATHS[ex.path];
  if (signal) return handleExport(state, ex, signal);
  if (ex.path.startsWith('/api/')) {
    const { status, body } = await handleApi(state, req.method ?? 'GET', ex.path, ex.query);
    return ex.send(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }, JSON.stringify(body));
  }
  if (VIEWER_PATHS.has(ex.path)) {
    const answer = await serveViewer(req.method ?? 'GET', ex.path);
    return ex.send(answer.status, answer.headers, req.method === 'HEAD' ? undefined : answer.body);
  }
  // Go's http.NotFound, word for word.
  ex.send(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }, '404 page not found\n');
}

function bodyEncoding(contentType: string | undefined): BodyEncoding | undefined {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType === 'application/x-protobuf') return 'protobuf';
  if (mediaType === 'application/json') return 'json';
  return undefined;
}

const CONTENT_TYPE: Record<BodyEncoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

/** The gRPC code the collector puts in a google.rpc.Status for an HTTP status. */
function grpcCode(status: number): number {
  switch (status) {
    case 400: return 3; // InvalidArgument
    case 401: return 16; // Unauthenticated
    case 403: return 7; // PermissionDenied
    case 404: return 12; // Unimplemented
    case 429: return 8; // ResourceExhausted
    case 502: case 503: case 504: return 14; // Unavailable
    default: return 2; // Unknown
  }
}

/**
 * Errors after the content type is known are a google.rpc.Status in the request's
 * encoding, as the OTLP spec requires and the collector does. google.rpc.Status is not in
 * the OTLP descriptor set, and it is two fields: written by hand.
 */
function statusBody(encoding: BodyEncoding, status: number, message: string): Uint8Array | string {
  const code = grpcCode(status);
  if (encoding === 'json') return JSON.stringify({ code, message });
  return new BinaryWriter().tag(1, WireType.Varint).int32(code).tag(2, WireType.LengthDelimited).string(message).finish();
}

function sendStatus(ex: Exchange, encoding: BodyEncoding, status: number, message: string, extra: HeaderMap = {}): void {
  ex.send(status, { 'Content-Type': CONTENT_TYPE[encoding], ...extra }, statusBody(encoding, status, message), message);
}

function sendPlain(ex: Exchange, status: number, message: string): void {
  ex.send(status, { 'Content-Type': 'text/plain' }, message, message);
}

async function handleExport(state: ReceiverState, ex: Exchange, signal: Signal): Promise<void> {
  const { req } = ex;
  // Method and content type as otlpreceiver checks them, then coding and size. (confighttp
  // checks the coding before both; that only differs for requests wrong twice over.)
  if (req.method !== 'POST') return sendPlain(ex, 405, '405 method not allowed, supported: [POST]');
  const encoding = bodyEncoding(req.headers['content-type']);
  if (!encoding) {
    return sendPlain(ex, 415, '415 unsupported media type, supported: [application/json, application/x-protobuf]');
  }
  const coding = contentCoding(req.headers['content-encoding']);
  if (!coding) {
    req.resume();
    return sendStatus(ex, encoding, 400, `unsupported Content-Encoding: ${req.headers['content-encoding']}`);
  }

  let body: Buffer;
  try {
    body = await readBody(req, coding, state.maxBodyBytes, ex.stats);
  } catch (err) {
    if (err instanceof ClientGone) return ex.abandon(err.message);
    if (err instanceof HttpError) return sendStatus(ex, encoding, err.status, err.message);
    throw err;
  }

  let flat: Flattened<unknown>;
  try {
    const message = decodeRequest(signal, encoding, body);
    flat = signal === 'traces' ? flattenTraces(message, state.invalidIds)
      : signal === 'metrics' ? flattenMetrics(message, state.invalidIds)
        : flattenLogs(message, state.invalidIds);
  } catch (err) {
    if (err instanceof DecodeError) return sendStatus(ex, encoding, 400, err.message);
    if (err instanceof RangeError) return sendStatus(ex, encoding, 400, `request nests too deeply: ${err.message}`);
    throw err;
  }

  const fault = takeFault(state, signal);
  if (fault) {
    const extra: HeaderMap = fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {};
    return sendStatus(ex, encoding, fault.status, fault.message, extra);
  }

  if (state.symbolicator && signal !== 'metrics') {
    const bags = signal === 'logs'
      ? (flat.rows as { attributes: Record<string, unknown> }[]).map((r) => r.attributes)
      : (flat.rows as { events: { attributes: Record<string, unknown> }[] }[]).flatMap((r) => r.events.map((e) => e.attributes));
    // Symbolication never costs an export: whatever goes wrong, the rows are stored as they came.
    try {
      state.received.symbolicated += await state.symbolicator.symbolicateAttributes(bags);
    } catch (err) {
      state.log?.(`symbolication failed: ${err instanceof Error ? err.message : err}`);
    }
  }

  let rotated: number;
  try {
    rotated = signal === 'traces' ? state.store.insertSpans(flat.rows as never)
      : signal === 'metrics' ? state.store.insertMetrics(flat.rows as never)
        : state.store.insertLogs(flat.rows as never);
  } catch (err) {
    return sendStatus(ex, encoding, 500, `store failed: ${err instanceof Error ? err.message : err}`);
  }
  count(state.received, signal, flat.rows.length, flat.rejected, rotated);

  const response = create(RESPONSE[signal], flat.rejected > 0 ? {
    partialSuccess: create(PARTIAL_SUCCESS[signal], {
      [REJECTED_FIELD[signal]]: BigInt(flat.rejected),
      errorMessage: `${flat.rejected} rejected: ${flat.reasons.join('; ')}${flat.rejected > flat.reasons.length ? '; …' : ''}`,
    }),
  } : {});
  const bytes = encoding === 'protobuf' ? toBinary(RESPONSE[signal], response) : JSON.stringify(toJson(RESPONSE[signal], response));
  ex.send(200, { 'Content-Type': CONTENT_TYPE[encoding] }, bytes);
}

function count(received: Received, signal: Signal, stored: number, rejected: number, rotated: number): void {
  if (signal === 'traces') {
    received.traces.requests++;
    received.traces.spans += stored;
    received.traces.rejectedSpans += rejected;
    received.rotated.spans += rotated;
  } else if (signal === 'metrics') {
    received.metrics.requests++;
    received.metrics.points += stored;
    received.metrics.rejectedPoints += rejected;
    received.rotated.points += rotated;
  } else {
    received.logs.requests++;
    received.logs.records += stored;
    received.logs.rejectedRecords += rejected;
    received.rotated.records += rotated;
  }
}

function takeFault(state: ReceiverState, signal: Signal): Fault | undefined {
  const i = state.faults.findIndex((f) => !f.signal || f.signal === signal);
  if (i < 0) return undefined;
  const fault = state.faults[i];
  if (--fault.times <= 0) state.faults.splice(i, 1);
  return fault;
}
