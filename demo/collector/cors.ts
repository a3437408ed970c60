// CORS as the OpenTelemetry Collector answers it: confighttp puts rs/cors in front of every
// route with AllowCredentials: true and the configured allowed_origins / allowed_headers.
// Browser tests of the SDK depend on these answers header for header, so the rules below
// follow rs/cors, not taste:
//  - a preflight is an OPTIONS with Access-Control-Request-Method; it is answered 204 here
//    and never reaches a route, whatever the origin;
//  - Vary is always set; the Access-Control-* headers only when origin, method and every
//    requested header are allowed (one disallowed header voids the whole preflight);
//  - allowed methods are rs/cors' default GET, POST, HEAD (confighttp sets none), echoed back
//    one at a time; the requested headers are echoed back as sent.
import type { IncomingMessage } from 'node:http';

export interface CorsOptions {
  /** Exact origins, e.g. 'http://127.0.0.1:8080'. */
  corsOrigins?: string[];
  /** Headers allowed beyond content-type and content-encoding; '*' allows any. */
  corsAllowedHeaders?: string[];
  /** Seconds a browser may cache a preflight answer (Access-Control-Max-Age). */
  corsMaxAge?: number;
  /**
   * 'exact' (default): as the collector with allowed_origins set. 'wildcard': answers
   * `Access-Control-Allow-Origin: *` without Allow-Credentials — a misconfigured collector,
   * to show that credentialed requests (sendBeacon) are then dropped by the browser.
   */
  corsMode?: 'exact' | 'wildcard';
}

export interface CorsPolicy {
  wildcard: boolean;
  origins: Set<string>;
  anyHeader: boolean;
  headers: Set<string>;
  maxAge: number;
}

const ALLOWED_METHODS = new Set(['GET', 'POST', 'HEAD']);
// rs/cors always adds Origin, "as some browsers will always request for this header at preflight".
const DEFAULT_HEADERS = ['content-type', 'content-encoding', 'origin'];

export function corsPolicy(options: CorsOptions): CorsPolicy | undefined {
  const wildcard = options.corsMode === 'wildcard';
  const origins = (options.corsOrigins ?? []).map((o) => o.toLowerCase());
  if (!wildcard && origins.length === 0) return undefined;
  const extra = (options.corsAllowedHeaders ?? []).map((h) => h.trim().toLowerCase());
  return {
    wildcard,
    origins: new Set(origins),
    anyHeader: extra.includes('*'),
    headers: new Set([...DEFAULT_HEADERS, ...extra]),
    maxAge: options.corsMaxAge ?? 0,
  };
}

export function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && !!req.headers['access-control-request-method'];
}

function originAllowed(policy: CorsPolicy, origin: string): boolean {
  return policy.wildcard || policy.origins.has(origin.toLowerCase());
}

export type HeaderMap = Record<string, string>;

export function preflightHeaders(policy: CorsPolicy, req: IncomingMessage): HeaderMap {
  const headers: HeaderMap = { Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers' };
  const origin = req.headers.origin;
  if (!origin || !originAllowed(policy, origin)) return headers;
  const method = String(req.headers['access-control-request-method']).toUpperCase();
  if (!ALLOWED_METHODS.has(method)) return headers;
  const requested = req.headers['access-control-request-headers'] ?? '';
  const names = requested.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  if (!policy.anyHeader && !names.every((h) => policy.headers.has(h))) return headers;

  headers['Access-Control-Allow-Origin'] = policy.wildcard ? '*' : origin;
  headers['Access-Control-Allow-Methods'] = method;
  if (names.length) headers['Access-Control-Allow-Headers'] = requested;
  if (!policy.wildcard) headers['Access-Control-Allow-Credentials'] = 'true';
  if (policy.maxAge > 0) headers['Access-Control-Max-Age'] = String(policy.maxAge);
  return headers;
}

export function actualRequestHeaders(policy: CorsPolicy, req: IncomingMessage): HeaderMap {
  if (req.method === 'OPTIONS') return {};
  const headers: HeaderMap = { Vary: 'Origin' };
  const origin = req.headers.origin;
  if (!origin || !originAllowed(policy, origin)) return headers;
  if (!ALLOWED_METHODS.has(String(req.method).toUpperCase())) return headers;
  headers['Access-Control-Allow-Origin'] = policy.wildcard ? '*' : origin;
  if (!policy.wildcard) headers['Access-Control-Allow-Credentials'] = 'true';
  return headers;
}
