// Where source maps come from, and the per-isolate cache of parsed ones.
//
// Maps are never fetched from the network by us: a site keeps them private (out of its public
// folder) and hands the symbolicator a source that reads them from where it deployed them, a
// function `(urlOrDebugId) => Promise<string | null>` or a storage binding (`bindingSource`).
// The source is asked, in order:
//   1. the debug ID the page sent for the script (`//# debugId=`, TC39's proposal), if any;
//   2. `<script url>.map`;
//   3. the script itself (`<script url>`), to read the `//# sourceMappingURL=` its build wrote,
//      then that URL (resolved against the script's), or the inline `data:` map.
// What answers first wins; a map that cannot be had is remembered as missing for a while, so
// a page full of errors from one script costs one lookup, not one per error.
//
// Cost is bounded: parsed maps live in an LRU whose size is the sum of the maps' text lengths
// (a parsed map takes memory in proportion: the VLQ mappings are decoded on first use), a map
// over `maxMapBytes` is refused, and concurrent requests for one map share one load and parse.
import { AnyMap, type TraceMap } from '@jridgewell/trace-mapping';

/** Reads a map (or a script, for its sourceMappingURL) from private storage; null when absent. */
export type MapSourceFunction = (urlOrDebugId: string) => Promise<string | null | undefined> | string | null | undefined;

/** A workerd/Deno-style storage binding: KV (`get` → string), R2 (`get` → object with text()), or a Fetcher (assets). */
export type StorageBinding =
  | { get(key: string): Promise<unknown> }
  | { fetch(input: string): Promise<Response> };

export interface BindingSourceOptions {
  /** The storage key for a script or map URL. Default: the URL's path without its leading `/`. */
  key?: (url: string) => string;
  /** The storage key for a debug ID. Default: `debug-id/<id>.map`, as `plume/build` writes them. */
  debugIdKey?: (debugId: string) => string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isDebugId = (s: string): boolean => UUID.test(s);

/**
 * A map source over a storage binding: KV namespaces and R2 buckets (`get(key)`), or a
 * Fetcher such as a static-assets or disk-service binding (`fetch(url)`; only a 200 counts).
 * A binding with fetch is a Fetcher, whatever else it has: workerd's Fetcher also has `get(url)`,
 * an HTTP GET helper, not a KV read (given a key, it fails: "Network connection lost").
 */
export function bindingSource(binding: StorageBinding, options: BindingSourceOptions = {}): MapSourceFunction {
  if (!binding || (typeof (binding as { get?: unknown }).get !== 'function' && typeof (binding as { fetch?: unknown }).fetch !== 'function')) {
    throw new TypeError('plume/edge: bindingSource(binding): the binding needs a get(key) or fetch(url) method');
  }
  const keyOf = options.key ?? ((url: string) => {
    try { return decodeURIComponent(new URL(url).pathname).replace(/^\/+/, ''); } catch { return url; }
  });
  const idKey = options.debugIdKey ?? ((id: string) => `debug-id/${id.toLowerCase()}.map`);
  return async (ref) => {
    const key = isDebugId(ref) ? idKey(ref) : keyOf(ref);
    if (typeof (binding as { fetch?: unknown }).fetch !== 'function') {
      const v = await (binding as { get(key: string): Promise<unknown> }).get(key);
      if (v == null) return null;
      if (typeof v === 'string') return v;
      if (typeof (v as { text?: unknown }).text === 'function') return (v as { text(): Promise<string> }).text();
      if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return new TextDecoder().decode(v as ArrayBuffer);
      return null;
    }
    // A Fetcher answers any absolute URL; only the path matters to an assets binding.
    const res = await (binding as { fetch(input: string): Promise<Response> }).fetch(`https://maps.invalid/${key.split('/').map(encodeURIComponent).join('/')}`);
    if (res.status !== 200) {
      res.body?.cancel().catch(() => {});
      return null;
    }
    return res.text();
  };
}

export interface LoadedMap {
  map: TraceMap;
  /** The key it was found under (a debug ID or a URL). */
  key: string;
  cost: number;
}

export class MapProblem extends Error {}

export interface MapCacheOptions {
  source: MapSourceFunction;
  maxCacheBytes: number;
  maxMapBytes: number;
  missTtlMillis: number;
  maxMisses: number;
  keepSourcesContent: boolean;
  /** Told once per map that is missing or refused (until it is asked for again after the TTL). */
  onProblem: (message: string) => void;
}

export interface MapCacheStats {
  /** Maps parsed (once each, unless evicted). */
  parsed: number;
  /** Lookups answered from the cache (parsed or missing). */
  hits: number;
  /** Maps the source did not have. */
  missing: number;
  /** Maps refused: malformed, over maxMapBytes, or a source that threw. */
  failed: number;
  evicted: number;
  /** Bytes of map text held right now. */
  bytes: number;
}

type Miss = { at: number; problem: string };

/** The per-isolate cache: one load per map at a time, an LRU under a byte cap, misses remembered. */
export class MapCache {
  private readonly maps = new Map<string, LoadedMap>();
  private readonly loading = new Map<string, Promise<LoadedMap | string>>();
  private readonly misses = new Map<string, Miss>();
  readonly stats: MapCacheStats = { parsed: 0, hits: 0, missing: 0, failed: 0, evicted: 0, bytes: 0 };

  constructor(private readonly o: MapCacheOptions) {}

  /**
   * The map for a script: by its debug ID if it has one, else by URL. Resolves to the map, or
   * to a string saying why there is none (never rejects).
   */
  get(url: string, debugId: string | undefined): Promise<LoadedMap | string> {
    const key = debugId ? debugId.toLowerCase() : url;
    const cached = this.cached(key);
    if (cached) return Promise.resolve(cached);
    let p = this.loading.get(key);
    if (!p) {
      p = this.load(url, debugId).then(
        (loaded) => this.keep(key, loaded),
        (e) => this.miss(key, e instanceof MapProblem ? e.message : `the map source failed for ${key}: ${errorText(e)}`, e instanceof MapProblem && e.name === 'missing'),
      ).finally(() => this.loading.delete(key));
      this.loading.set(key, p);
    }
    return p;
  }

  private cached(key: string): LoadedMap | string | undefined {
    const hit = this.maps.get(key);
    if (hit) {
      // Most recently used last: Map keeps insertion order.
      this.maps.delete(key);
      this.maps.set(key, hit);
      this.stats.hits++;
      return hit;
    }
    const miss = this.misses.get(key);
    if (miss) {
      if (Date.now() - miss.at < this.o.missTtlMillis) { this.stats.hits++; return miss.problem; }
      this.misses.delete(key);
    }
    return undefined;
  }

  private async load(url: string, debugId: string | undefined): Promise<LoadedMap> {
    if (debugId) {
      const text = await this.read(debugId);
      if (text != null) return this.parse(debugId.toLowerCase(), text);
    }
    const direct = `${url}.map`;
    const text = await this.read(direct);
    if (text != null) return this.parse(url, text);
    // The build may have named the map otherwise: the script says where, in its last comment.
    const script = await this.read(url);
    const ref = script == null ? undefined : sourceMappingUrl(script);
    if (ref) {
      if (ref.startsWith('data:')) return this.parse(url, dataUrlText(ref));
      // Only a map beside the script: a comment cannot send the source to another origin.
      const where = besideScript(ref, url);
      if (where && where !== direct) {
        const named = await this.read(where);
        if (named != null) return this.parse(url, named);
      }
    }
    const problem = new MapProblem(`no source map for ${debugId ? `debug ID ${debugId} or ` : ''}${url}`);
    problem.name = 'missing';
    throw problem;
  }

  private async read(ref: string): Promise<string | null> {
    const v = await this.o.source(ref);
    if (v == null) return null;
    if (typeof v !== 'string') throw new MapProblem(`the map source gave a ${typeof v} for ${ref}, not a string`);
    return v;
  }

  private parse(key: string, text: string): LoadedMap {
    if (text.length > this.o.maxMapBytes) {
      throw new MapProblem(`the source map for ${key} is ${text.length} bytes, over maxMapBytes (${this.o.maxMapBytes})`);
    }
    let map: TraceMap;
    try {
      // A map may start with XSSI protection, `)]}'`, which the spec says to skip.
      const raw = JSON.parse(text.startsWith(')]}') ? text.slice(text.indexOf('\n') + 1) : text);
      if (!raw || typeof raw !== 'object' || (raw.version !== 3 && raw.version !== undefined)) throw new Error('not a version 3 source map');
      if (!Array.isArray(raw.sections) && typeof raw.mappings !== 'string') throw new Error('no mappings');
      if (!this.o.keepSourcesContent) dropSources(raw);
      map = new AnyMap(raw);
    } catch (e) {
      throw new MapProblem(`the source map for ${key} is malformed: ${errorText(e)}`);
    }
    this.stats.parsed++;
    return { map, key, cost: text.length };
  }

  private keep(key: string, loaded: LoadedMap): LoadedMap {
    this.maps.set(key, loaded);
    this.stats.bytes += loaded.cost;
    for (const [k, v] of this.maps) {
      if (this.stats.bytes <= this.o.maxCacheBytes || k === key) break;
      this.maps.delete(k);
      this.stats.bytes -= v.cost;
      this.stats.evicted++;
    }
    return loaded;
  }

  private miss(key: string, problem: string, missing: boolean): string {
    if (missing) this.stats.missing++;
    else this.stats.failed++;
    if (this.misses.size >= this.o.maxMisses) this.misses.delete(this.misses.keys().next().value!);
    this.misses.set(key, { at: Date.now(), problem });
    try { this.o.onProblem(problem); } catch { /* a logger that throws changes nothing here */ }
    return problem;
  }
}

/**
 * Where a sourceMappingURL points, resolved against its script: only on the script's own
 * origin (a comment cannot send the source elsewhere). Scripts named by a path (node, Deno)
 * resolve as paths.
 */
function besideScript(ref: string, script: string): string | undefined {
  let base: URL | undefined;
  try { base = new URL(script); } catch { /* a path */ }
  if (!base) return /^[a-z][a-z0-9+.-]*:|^\//i.test(ref) ? undefined : script.slice(0, script.lastIndexOf('/') + 1) + ref;
  try {
    const where = new URL(ref, base);
    return where.origin === base.origin ? where.href : undefined;
  } catch {
    return undefined;
  }
}

/** The last `//# sourceMappingURL=` (or `//@`) comment of a script, as the spec finds it. */
export function sourceMappingUrl(script: string): string | undefined {
  const tail = script.length > 4096 ? script.slice(-4096) : script;
  let found: string | undefined;
  for (const m of tail.matchAll(/^[ \t]*\/\/[#@][ \t]+sourceMappingURL=([^\s'"]+)[ \t]*$/gm)) found = m[1];
  return found;
}

/** The last `//# debugId=<uuid>` comment of a script (TC39's debug ID proposal). */
export function debugIdComment(script: string): string | undefined {
  const tail = script.length > 4096 ? script.slice(-4096) : script;
  let found: string | undefined;
  for (const m of tail.matchAll(/^[ \t]*\/\/# debugId=([0-9a-fA-F-]{36})[ \t]*$/gm)) if (isDebugId(m[1])) found = m[1];
  return found;
}

function dataUrlText(url: string): string {
  const comma = url.indexOf(',');
  if (comma < 0) throw new MapProblem('malformed data: URL in sourceMappingURL');
  const meta = url.slice(5, comma);
  const data = url.slice(comma + 1);
  if (/;base64$/i.test(meta)) {
    const bin = atob(data);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new TextDecoder().decode(bytes);
  }
  return decodeURIComponent(data);
}

/** Drops sourcesContent (in sections too): the relay never shows source, and it is most of a map's memory. */
function dropSources(raw: { sourcesContent?: unknown; sections?: { map?: unknown }[] }): void {
  delete raw.sourcesContent;
  if (Array.isArray(raw.sections)) for (const s of raw.sections) if (s && typeof s.map === 'object' && s.map) dropSources(s.map);
}

export function errorText(e: unknown): string {
  try {
    return e instanceof Error ? e.message : String(e);
  } catch {
    return 'unknown error';
  }
}
