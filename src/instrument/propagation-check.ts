// debug: true - one look at each other origin that gets our trace headers
// (propagateTraceHeaderCorsUrls), to say which of them its CORS preflight refuses: with one
// refused, every request of the page to that origin fails, and the app with it.
//
// A page can neither send a preflight itself (Access-Control-Request-Headers is a forbidden
// header) nor read one's answer, so the headers are told apart by which of a few requests the
// browser lets through, each a HEAD to the URL the page first propagated to (HEAD is a
// CORS-safelisted method: only the headers are on trial), without credentials:
//   no trace header          fails -> the origin answers no CORS to this page at all: nothing to tell
//   all three                passes -> fine
//   each one alone           fails -> that one is missing from Access-Control-Allow-Headers
//
// An on-demand chunk (plume.propagation-check.js in the script-tag build): the page's original
// fetch and the warning printer are handed to it, so that it shares no code at run time with
// what every page loads (see inlineConsts in rollup.config.js).
import type { warn } from '../lib/diag.js';
import { W_PROPAGATION_CORS } from '../lib/diag.js';

export interface PropagationCheckResult { origin: string; ok: boolean; missing: string[] }

// Valid values, so that a server checking them has nothing to refuse.
const PROBES: Record<string, string> = {
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  tracestate: 'plume=check',
  baggage: 'plume.check=1',
};

export async function checkPropagation(url: string, nativeFetch: typeof fetch | undefined, say: typeof warn): Promise<PropagationCheckResult | undefined> {
  const origin = new URL(url).origin;
  if (!nativeFetch) return undefined;
  const passes = async (headers?: Record<string, string>): Promise<boolean> => {
    try {
      await nativeFetch(url, { method: 'HEAD', mode: 'cors', credentials: 'omit', cache: 'no-store', headers });
      return true;
    } catch {
      return false;
    }
  };
  if (!(await passes())) return undefined;
  if (await passes(PROBES)) return { origin, ok: true, missing: [] };
  const missing: string[] = [];
  for (const name of Object.keys(PROBES)) if (!(await passes({ [name]: PROBES[name] }))) missing.push(name);
  const what = missing.length ? `does not allow ${missing.join(', ')} in Access-Control-Allow-Headers` : 'refuses traceparent, tracestate and baggage together';
  say(W_PROPAGATION_CORS, `propagation check: ${origin} ${what}, so its CORS preflight fails for every request that carries them `
    + `and the request with it. Add ${missing.length ? missing.join(', ') : 'them'} to that server's Access-Control-Allow-Headers `
    + '(it must allow traceparent, tracestate and baggage), or take the origin out of propagateTraceHeaderCorsUrls');
  return { origin, ok: false, missing };
}
