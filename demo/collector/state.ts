// What the receiver keeps between requests: counts of what arrived, the request log, the
// faults to inject, and the store. Its own file so that the /api handlers (api.ts) and the
// receiver (receiver.ts) both read it without importing each other.
import type { CorsPolicy } from './cors.js';
import type { InvalidIdPolicy } from './decode.js';
import type { Signal } from './schema.js';
import type { Store } from './store.js';
import type { Symbolicator } from '../../src/edge/symbolicate/index.js';

export interface Received {
  /** Requests answered on the receiver side (everything but the viewer and /api). */
  requests: number;
  traces: { requests: number; spans: number; rejectedSpans: number };
  metrics: { requests: number; points: number; rejectedPoints: number };
  logs: { requests: number; records: number; rejectedRecords: number };
  /** Receiver answers of 400 and above, by status code. */
  rejected: Record<string, number>;
  /** Stored items dropped later to keep each table within maxSpans. */
  rotated: { spans: number; points: number; records: number };
  /** Records (log records, span events) whose stacks were symbolicated here on arrival (sourceMaps); a relay's are not. */
  symbolicated: number;
}

export function emptyReceived(): Received {
  return {
    requests: 0,
    traces: { requests: 0, spans: 0, rejectedSpans: 0 },
    metrics: { requests: 0, points: 0, rejectedPoints: 0 },
    logs: { requests: 0, records: 0, rejectedRecords: 0 },
    rejected: {},
    rotated: { spans: 0, points: 0, records: 0 },
    symbolicated: 0,
  };
}

export interface RequestRecord {
  method: string;
  path: string;
  /** 0 when the client went away before an answer. */
  status: number;
  headers: Record<string, string>;
  /** Body bytes as they came over the wire (compressed, if they were). */
  bodyBytes: number;
  time: number;
  responseHeaders: Record<string, string>;
  /** What went wrong, for answers of 400 and above. */
  error?: string;
}

export interface Fault {
  status: number;
  times: number;
  retryAfter?: number;
  signal?: Signal;
  message: string;
}

export interface ReceiverState {
  store: Store;
  received: Received;
  requests: RequestRecord[];
  cors: CorsPolicy | undefined;
  maxBodyBytes: number;
  invalidIds: InvalidIdPolicy;
  faults: Fault[];
  log: ((line: string) => void) | undefined;
  startedAt: number;
  /** --source-maps: exception stacks are symbolicated before they are stored. */
  symbolicator?: Symbolicator;
}
