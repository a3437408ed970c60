// URLs as telemetry sees them: absolute, credentials never recorded, sensitive query values
// redacted (semantic conventions' url.full rules), and the same-origin test for propagation.

// Query parameters the semantic conventions name as carrying signatures and keys.
const SENSITIVE = ['AWSAccessKeyId', 'Signature', 'sig', 'X-Goog-Signature'];

// Relative URLs resolve as fetch and XHR resolve them: against the document's base URL
// (<base href>), the page's location where there is no document (workers).
const base = (): string | undefined =>
  (typeof document === 'object' && document?.baseURI) || (typeof location === 'object' && location ? location.href : undefined);

/** The absolute URL of a fetch/XHR target, or undefined if it cannot be parsed. */
export function toUrl(input: unknown): URL | undefined {
  try {
    if (input instanceof URL) return input;
    if (typeof Request === 'function' && input instanceof Request) return new URL(input.url);
    return new URL(String(input), base());
  } catch {
    return undefined;
  }
}

/** url.full: user:password replaced by REDACTED:REDACTED, listed query values by REDACTED. */
export function fullUrl(u: URL, redact: string[] | 'all'): string {
  let s: string;
  if (u.username || u.password) {
    const c = new URL(u.href);
    c.username = c.username ? 'REDACTED' : '';
    c.password = c.password ? 'REDACTED' : '';
    s = c.href;
  } else {
    s = u.href;
  }
  if (!u.search) return s;
  const names = redact === 'all' ? undefined : SENSITIVE.concat(redact);
  const q = s.indexOf('?');
  const hash = s.indexOf('#', q);
  const query = s.slice(q + 1, hash < 0 ? undefined : hash);
  // Rewritten by hand, not with URLSearchParams, so unredacted parts keep their exact encoding.
  const parts = query.split('&').map((p) => {
    const eq = p.indexOf('=');
    const name = eq < 0 ? p : p.slice(0, eq);
    let decoded = name;
    try { decoded = decodeURIComponent(name.replace(/\+/g, ' ')); } catch { /* keep the raw name */ }
    return eq >= 0 && (!names || names.includes(decoded)) ? `${name}=REDACTED` : p;
  });
  return s.slice(0, q + 1) + parts.join('&') + (hash < 0 ? '' : s.slice(hash));
}

/** url.query: the query of url.full (so redacted alike), without its '?'; none when empty. */
export function urlQuery(u: URL, redact: string[] | 'all'): string | undefined {
  if (!u.search) return undefined;
  const s = fullUrl(u, redact);
  const hash = s.indexOf('#', s.indexOf('?'));
  return s.slice(s.indexOf('?') + 1, hash < 0 ? undefined : hash);
}

/** server.address: the host name, an IPv6 address without URL's brackets (semconv: "::1"). */
export const hostOf = (u: URL): string => u.hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * The OTLP/HTTP URL of a signal under the endpoint: /v1/<signal> goes on the path, before a
 * query the endpoint may carry (an ingest key, where beacons cannot send headers).
 */
export function otlpUrl(endpoint: string, signal: string): string {
  const q = endpoint.indexOf('?');
  return q < 0 ? `${endpoint}/v1/${signal}` : `${endpoint.slice(0, q)}/v1/${signal}${endpoint.slice(q)}`;
}

export const defaultPort = (u: URL): number => (u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : u.protocol === 'http:' ? 80 : 0);

export function isSameOrigin(u: URL): boolean {
  return typeof location === 'object' && !!location && u.origin === location.origin;
}

/** Parses `traceparent;desc="00-…"` out of a Server-Timing header value. */
export function serverTimingTraceparent(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  // The whole desc value (quoted or a token), for parseTraceparent to judge: a longer value
  // is no traceparent, not one cut to size.
  const m = /(?:^|,)\s*traceparent\s*(?:;[^,]*?)?;\s*desc\s*=\s*(?:"([^"]*)"|([^,;\s]*))/i.exec(value);
  return m ? (m[1] ?? m[2]).trim().toLowerCase() : undefined;
}
