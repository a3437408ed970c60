// The collector's store: SQLite compiled to WebAssembly (sql.js), so there is no native build
// and nothing to install. Each row is kept whole as JSON next to the few columns that
// queries filter and sort on; the viewer reads rows back exactly as they were accepted.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import initSqlJs, { type BindParams, type Database, type SqlJsStatic, type SqlValue, type Statement } from 'sql.js';
import type {
  LogQuery, LogRow, MetricQuery, MetricRow, SpanQuery, SpanRow, TraceQuery, TraceSummary,
} from './types.js';

/** Bumped when the tables change; an older file is discarded rather than migrated (dev data). */
const SCHEMA_VERSION = 1;
const DB_FILE = 'collector.sqlite';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS spans (
  seq INTEGER PRIMARY KEY,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  parent_span_id TEXT NOT NULL,
  name TEXT NOT NULL,
  service TEXT NOT NULL,
  status_code INTEGER NOT NULL,
  start_ns_padded TEXT NOT NULL,
  end_ns_padded TEXT NOT NULL,
  start_ms REAL NOT NULL,
  session_id TEXT,
  has_exception INTEGER NOT NULL,
  row TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS spans_by_trace ON spans(trace_id);
CREATE INDEX IF NOT EXISTS spans_by_service ON spans(service);
CREATE INDEX IF NOT EXISTS spans_by_name ON spans(name);
CREATE INDEX IF NOT EXISTS spans_by_session ON spans(session_id) WHERE session_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS spans_with_exception ON spans(has_exception) WHERE has_exception = 1;

CREATE TABLE IF NOT EXISTS metric_points (
  seq INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  service TEXT NOT NULL,
  time_ms REAL NOT NULL,
  row TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS metric_points_by_name ON metric_points(name);

CREATE TABLE IF NOT EXISTS logs (
  seq INTEGER PRIMARY KEY,
  service TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  severity_number INTEGER NOT NULL,
  time_ms REAL NOT NULL,
  has_exception INTEGER NOT NULL,
  row TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_by_trace ON logs(trace_id);
CREATE INDEX IF NOT EXISTS logs_by_service ON logs(service);
CREATE INDEX IF NOT EXISTS logs_with_exception ON logs(has_exception) WHERE has_exception = 1;
`;

export type Table = 'spans' | 'metric_points' | 'logs';
const TABLES: Table[] = ['spans', 'metric_points', 'logs'];

export interface StoreCounts { spans: number; points: number; records: number }

export interface StoreOptions {
  dataDir?: string;
  /** Rows kept per table; the oldest rotate out. */
  maxRows: number;
  /** Quiet period before the database is written to dataDir. */
  saveDelayMs?: number;
  /** Longest a write may be put off while inserts keep arriving. */
  maxSaveDelayMs?: number;
  warn?: (message: string) => void;
}

let sqlJs: Promise<SqlJsStatic> | undefined;

const nsToMs = (ns: string): number => Number(ns) / 1e6;

function hasExceptionAttributes(attrs: Record<string, unknown>): boolean {
  return attrs['exception.type'] !== undefined || attrs['exception.message'] !== undefined;
}

export function sessionIdOf(span: SpanRow): string | null {
  const id = span.attributes['session.id'] ?? span.resource['session.id'];
  return typeof id === 'string' && id !== '' ? id : null;
}

export class Store {
  readonly file: string | undefined;
  private counts: Record<Table, number> = { spans: 0, metric_points: 0, logs: 0 };
  private statements = new Map<string, Statement>();
  private saveTimer: NodeJS.Timeout | undefined;
  private firstUnsavedAt = 0;
  private saving: Promise<void> | undefined;
  private dirty = false;
  private closed = false;

  private constructor(private db: Database, private options: StoreOptions) {
    this.file = options.dataDir ? join(options.dataDir, DB_FILE) : undefined;
    for (const table of TABLES) this.counts[table] = Number(this.scalar(`SELECT count(*) FROM ${table}`));
  }

  static async open(options: StoreOptions): Promise<Store> {
    const SQL = await (sqlJs ??= initSqlJs());
    const warn = options.warn ?? ((m: string) => console.warn(m));
    let db: Database | undefined;
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true });
      const file = join(options.dataDir, DB_FILE);
      if (existsSync(file)) {
        try {
          db = new SQL.Database(readFileSync(file));
          const version = Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
          if (version !== SCHEMA_VERSION) {
            warn(`collector: ${file} has schema ${version}, expected ${SCHEMA_VERSION}; starting empty`);
            db.close();
            db = undefined;
          }
        } catch (err) {
          // A half-written or foreign file must not stop the collector; keep it for inspection.
          const aside = `${file}.corrupt-${Date.now()}`;
          warn(`collector: cannot read ${file} (${(err as Error).message}); moved to ${aside}, starting empty`);
          db?.close();
          db = undefined;
          renameSync(file, aside);
        }
      }
    }
    db ??= new SQL.Database();
    db.exec(SCHEMA);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    return new Store(db, { ...options, warn });
  }

  private prepare(sql: string): Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  private all(sql: string, params: BindParams = []): Record<string, SqlValue>[] {
    const st = this.prepare(sql);
    try {
      st.bind(params);
      const rows: Record<string, SqlValue>[] = [];
      while (st.step()) rows.push(st.getAsObject());
      return rows;
    } finally {
      st.reset();
    }
  }

  private scalar(sql: string, params: BindParams = []): SqlValue {
    const st = this.prepare(sql);
    try {
      st.bind(params);
      return st.step() ? st.get()[0] : null;
    } finally {
      st.reset();
    }
  }

  private insert<Row>(table: Table, sql: string, rows: Row[], values: (row: Row) => SqlValue[]): number {
    if (rows.length === 0) return 0;
    const st = this.prepare(sql);
    this.db.exec('BEGIN');
    try {
      for (const row of rows) st.run(values(row));
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
    this.counts[table] += rows.length;
    const rotated = this.rotate(table);
    this.scheduleSave();
    return rotated;
  }

  /** Keeps a table at maxRows by dropping the rows that arrived first. Returns how many went. */
  private rotate(table: Table): number {
    const excess = this.counts[table] - this.options.maxRows;
    if (excess <= 0) return 0;
    const cutoff = this.scalar(`SELECT seq FROM ${table} ORDER BY seq LIMIT 1 OFFSET ?`, [excess - 1]);
    this.prepare(`DELETE FROM ${table} WHERE seq <= ?`).run([cutoff]);
    const deleted = this.db.getRowsModified();
    this.counts[table] -= deleted;
    return deleted;
  }

  /** Returns how many older spans rotated out to make room. */
  insertSpans(rows: SpanRow[]): number {
    return this.insert('spans',
      `INSERT INTO spans (trace_id, span_id, parent_span_id, name, service, status_code, start_ns_padded, end_ns_padded,
         start_ms, session_id, has_exception, row) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
      rows, (s) => [
        s.traceId, s.spanId, s.parentSpanId, s.name, s.service, s.statusCode, s.startTimeUnixNano.padStart(20, '0'),
        s.endTimeUnixNano.padStart(20, '0'), nsToMs(s.startTimeUnixNano), sessionIdOf(s),
        s.events.some((e) => e.name === 'exception' || hasExceptionAttributes(e.attributes)) ? 1 : 0,
        JSON.stringify(s),
      ]);
  }

  insertMetrics(rows: MetricRow[]): number {
    return this.insert('metric_points',
      'INSERT INTO metric_points (name, service, time_ms, row) VALUES (?,?,?,?)',
      rows, (m) => [m.name, m.service, nsToMs(m.timeUnixNano), JSON.stringify(m)]);
  }

  insertLogs(rows: LogRow[]): number {
    return this.insert('logs',
      'INSERT INTO logs (service, trace_id, severity_number, time_ms, has_exception, row) VALUES (?,?,?,?,?,?)',
      rows, (l) => [
        l.service, l.traceId, l.severityNumber,
        nsToMs(l.timeUnixNano !== '0' ? l.timeUnixNano : l.observedTimeUnixNano),
        hasExceptionAttributes(l.attributes) ? 1 : 0, JSON.stringify(l),
      ]);
  }

  count(): StoreCounts {
    return { spans: this.counts.spans, points: this.counts.metric_points, records: this.counts.logs };
  }

  spans(q: SpanQuery = {}): SpanRow[] {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (q.service !== undefined) where.push('service = ?'), params.push(q.service);
    if (q.name !== undefined) where.push('name = ?'), params.push(q.name);
    if (q.traceId !== undefined) where.push('trace_id = ?'), params.push(q.traceId.toLowerCase());
    if (q.sessionId !== undefined) where.push('session_id = ?'), params.push(q.sessionId);
    if (q.status !== undefined) where.push('status_code = ?'), params.push(statusCode(q.status));
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    // A trace reads best in start order; anything else in arrival order, newest `limit` kept.
    if (q.traceId !== undefined) {
      return this.rows(`SELECT row FROM spans ${filter} ORDER BY start_ns_padded, seq${limitClause(q.limit)}`, params);
    }
    if (q.limit === undefined) return this.rows(`SELECT row FROM spans ${filter} ORDER BY seq`, params);
    return this.rows<SpanRow>(`SELECT row FROM spans ${filter} ORDER BY seq DESC${limitClause(q.limit)}`, params).reverse();
  }

  traces(q: TraceQuery = {}): TraceSummary[] {
    const narrow: string[] = [];
    const params: SqlValue[] = [];
    const sub = (column: string, value: string) => {
      narrow.push(`trace_id IN (SELECT trace_id FROM spans WHERE ${column} = ?)`);
      params.push(value);
    };
    if (q.service !== undefined) sub('service', q.service);
    if (q.name !== undefined) sub('name', q.name);
    if (q.sessionId !== undefined) sub('session_id', q.sessionId);
    const having = q.status === 'error' ? 'HAVING error_count > 0' : q.status === 'ok' ? 'HAVING error_count = 0' : '';
    const rows = this.all(
      `SELECT trace_id, MIN(start_ms) AS start_ms, MIN(start_ns_padded) AS first_start, MAX(end_ns_padded) AS last_end,
              COUNT(*) AS span_count, SUM(status_code = 2) AS error_count,
              json_group_array(DISTINCT service) AS services, MAX(session_id) AS session_id
       FROM spans ${narrow.length ? `WHERE ${narrow.join(' AND ')}` : ''}
       GROUP BY trace_id ${having}
       ORDER BY start_ms DESC${limitClause(q.limit)}`,
      params);
    return rows.map((r) => {
      const root = this.all(
        `SELECT name, service FROM spans WHERE trace_id = ? ORDER BY parent_span_id <> '', start_ns_padded, seq LIMIT 1`,
        [r.trace_id])[0];
      const errorCount = Number(r.error_count);
      // Zero-padded nanoseconds compare as text like numbers, and subtract exactly as BigInt.
      const firstStart = BigInt(String(r.first_start));
      const lastEnd = BigInt(String(r.last_end));
      return {
        traceId: String(r.trace_id),
        rootName: String(root?.name ?? ''),
        rootService: String(root?.service ?? ''),
        services: (JSON.parse(String(r.services)) as string[]).sort(),
        spanCount: Number(r.span_count),
        errorCount,
        error: errorCount > 0,
        startTimeUnixNano: firstStart.toString(),
        startMs: Number(r.start_ms),
        durationMs: lastEnd > firstStart ? Number(lastEnd - firstStart) / 1e6 : 0,
        sessionId: r.session_id === null ? '' : String(r.session_id),
      };
    });
  }

  services(): string[] {
    return this.all('SELECT DISTINCT service FROM spans ORDER BY service').map((r) => String(r.service));
  }

  metrics(q: MetricQuery = {}): MetricRow[] {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (q.name !== undefined) where.push('name = ?'), params.push(q.name);
    if (q.service !== undefined) where.push('service = ?'), params.push(q.service);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    return this.rows(`SELECT row FROM metric_points ${filter} ORDER BY seq${limitClause(q.limit)}`, params);
  }

  metricsNamed(names: string[]): MetricRow[] {
    if (names.length === 0) return [];
    return this.rows(`SELECT row FROM metric_points WHERE name IN (${names.map(() => '?').join(',')}) ORDER BY seq`, names);
  }

  logs(q: LogQuery = {}): LogRow[] {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (q.service !== undefined) where.push('service = ?'), params.push(q.service);
    if (q.traceId !== undefined) where.push('trace_id = ?'), params.push(q.traceId.toLowerCase());
    if (q.severityMin !== undefined) where.push('severity_number >= ?'), params.push(q.severityMin);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    return this.rows(`SELECT row FROM logs ${filter} ORDER BY seq${limitClause(q.limit)}`, params);
  }

  /** Spans with an exception event and log records with exception.* attributes. */
  exceptionSources(): { spans: SpanRow[]; logs: LogRow[] } {
    return {
      spans: this.rows<SpanRow>('SELECT row FROM spans WHERE has_exception = 1 ORDER BY seq'),
      logs: this.rows<LogRow>('SELECT row FROM logs WHERE has_exception = 1 ORDER BY seq'),
    };
  }

  private rows<Row>(sql: string, params: SqlValue[] = []): Row[] {
    return this.all(sql, params).map((r) => JSON.parse(String(r.row)) as Row);
  }

  clear(): void {
    for (const table of TABLES) {
      this.db.exec(`DELETE FROM ${table}`);
      this.counts[table] = 0;
    }
    this.scheduleSave();
  }

  private scheduleSave(): void {
    if (!this.file || this.closed) return;
    this.dirty = true;
    const now = Date.now();
    if (!this.saveTimer) this.firstUnsavedAt = now;
    clearTimeout(this.saveTimer);
    // Debounced so that a burst costs one export, but bounded so a steady stream still lands on disk.
    const delay = Math.min(this.options.saveDelayMs ?? 1000,
      Math.max(0, this.firstUnsavedAt + (this.options.maxSaveDelayMs ?? 5000) - now));
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.saveInBackground();
    }, delay);
    this.saveTimer.unref();
  }

  private async saveInBackground(): Promise<void> {
    if (this.saving || !this.file || this.closed) return;
    this.dirty = false;
    const bytes = this.db.export();
    const tmp = `${this.file}.tmp`;
    this.saving = writeFile(tmp, bytes).then(() => renameSync(tmp, this.file!)).catch((err: Error) => {
      this.options.warn?.(`collector: cannot write ${this.file}: ${err.message}`);
    }).finally(() => {
      this.saving = undefined;
      if (this.dirty && !this.closed) this.scheduleSave();
    });
    await this.saving;
  }

  /** Writes the database to dataDir now (rename-into-place, so a crash never leaves half a file). */
  async flush(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.saving;
    if (!this.file || this.closed) return;
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, this.db.export());
    renameSync(tmp, this.file);
    this.dirty = false;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    for (const st of this.statements.values()) st.free();
    this.statements.clear();
    this.db.close();
  }
}

const STATUS_CODE: Record<string, number> = { unset: 0, ok: 1, error: 2 };

function statusCode(status: string | number): number {
  const code = typeof status === 'number' ? status : STATUS_CODE[status] ?? Number(status);
  if (!Number.isInteger(code)) throw new RangeError(`status must be 'error', 'ok', 'unset' or a status code, not ${status}`);
  return code;
}

function limitClause(limit: number | undefined): string {
  if (limit === undefined) return '';
  const n = Math.floor(Number(limit));
  return Number.isFinite(n) && n >= 0 ? ` LIMIT ${n}` : '';
}
