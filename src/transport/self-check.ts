// debug: true - one look at the collector from this page, to say exactly what would make
// exports fail. A page cannot read a CORS preflight's answer, so the causes are told apart by
// which of a few requests (each an empty, valid OTLP request) the browser lets through:
//   no-cors POST            fails -> unreachable, or blocked by the page's connect-src
//   text/plain, no creds    fails -> no Access-Control-Allow-Origin for this origin
//   protobuf, no creds      fails -> the preflight is refused: Allow-Headers lacks content-type
//   protobuf, credentials   fails -> no credentials allowed: beacons (always credentialed) are lost
// and the protobuf request's status says whether the content type is accepted (415).
//
// An on-demand chunk: what it needs of the code every page loads (the page's original fetch,
// the warning printer) is handed to it, so that nothing is shared at run time (see
// inlineConsts in rollup.config.js).
import type { warn } from '../lib/diag.js';
import { W_CORS, W_CSP, W_TRANSPORT } from '../lib/diag.js';
import { CONTENT_TYPE } from './index.js';
import { otlpUrl } from '../lib/url.js';

export interface SelfCheckResult { ok: boolean; problems: string[] }

export async function checkCollector(endpoint: string, nativeFetch: typeof fetch | undefined, say: typeof warn): Promise<SelfCheckResult> {
  const problems: string[] = [];
  const url = otlpUrl(endpoint, 'traces');
  const origin = typeof location === 'object' ? location.origin : '';
  if (!nativeFetch) return { ok: false, problems: ['fetch is not available'] };
  const violations: SecurityPolicyViolationEvent[] = [];
  let arrived: (() => void) | undefined;
  const onViolation = (e: Event) => { violations.push(e as SecurityPolicyViolationEvent); arrived?.(); };
  if (typeof document === 'object') document.addEventListener('securitypolicyviolation', onViolation);
  const attempt = async (init: RequestInit): Promise<Response | undefined> => {
    try { return await nativeFetch!(url, { method: 'POST', body: new Uint8Array(0) as BodyInit, ...init }); } catch { return undefined; }
  };
  try {
    const reach = await attempt({ mode: 'no-cors', credentials: 'omit' });
    // A connect-src refusal rejects the fetch and queues the violation event as a task of its
    // own, which Firefox under load has delivered well after the rejection: when the request
    // failed, wait for the event (a little while at most) before calling it unreachable.
    if (!reach && !violations.length) await new Promise<void>((r) => { arrived = r; setTimeout(r, 500); });
    if (violations.some((v) => v.violatedDirective.startsWith('connect-src'))) {
      problems.push(`blocked by this page's Content-Security-Policy connect-src: add ${new URL(endpoint).origin} to it`);
      return report(problems, say);
    }
    if (!reach) {
      problems.push(`the collector at ${endpoint} cannot be reached (connection refused, DNS, TLS or a blocker)`);
      return report(problems, say);
    }
    const simple = await attempt({ mode: 'cors', credentials: 'omit', headers: { 'content-type': 'text/plain' } });
    if (!simple) {
      problems.push(`missing Access-Control-Allow-Origin for ${origin}: the collector must list this exact origin in cors.allowed_origins`);
      return report(problems, say);
    }
    const proto = await attempt({ mode: 'cors', credentials: 'omit', headers: { 'content-type': CONTENT_TYPE } });
    if (!proto) {
      problems.push(`the CORS preflight for Content-Type: ${CONTENT_TYPE} is refused: missing Access-Control-Allow-Headers: content-type (and Allow-Methods: POST)`);
      return report(problems, say);
    }
    if (proto.status === 415) problems.push(`the collector answers 415 to Content-Type: ${CONTENT_TYPE}: it does not accept OTLP/protobuf at ${url}`);
    else if (proto.status === 404) problems.push(`the collector answers 404 at ${url}: is the endpoint the OTLP/HTTP base URL (without /v1/traces)?`);
    else if (!proto.ok) problems.push(`the collector answers ${proto.status} to an empty OTLP request at ${url}`);
    const withCredentials = await attempt({ mode: 'cors', credentials: 'include', headers: { 'content-type': CONTENT_TYPE } });
    if (!withCredentials) {
      problems.push(`missing Access-Control-Allow-Credentials: true (or Access-Control-Allow-Origin is *): sendBeacon always sends credentials, so data sent as the page goes away would be lost silently. Answer Access-Control-Allow-Origin: ${origin} (exactly) and Access-Control-Allow-Credentials: true`);
    }
    return report(problems, say);
  } finally {
    if (typeof document === 'object') document.removeEventListener('securitypolicyviolation', onViolation);
  }
}

function report(problems: string[], say: typeof warn): SelfCheckResult {
  for (const p of problems) say(p.startsWith('blocked by') ? W_CSP : p.includes('cannot be reached') || p.includes('answers') ? W_TRANSPORT : W_CORS, `collector check: ${p}`);
  return { ok: problems.length === 0, problems };
}
