// The page is going away: visibilitychange to hidden (the last event mobile browsers
// reliably fire) and pagehide. Not `unload`, which disables the back/forward cache.
import { guard } from '../lib/diag.js';

export function onPageHidden(flush: () => void): () => void {
  if (typeof document !== 'object' || typeof window !== 'object') return () => {};
  const vis = () => { if (document.visibilityState === 'hidden') guard(flush); };
  const hide = () => guard(flush);
  document.addEventListener('visibilitychange', vis);
  window.addEventListener('pagehide', hide);
  return () => {
    document.removeEventListener('visibilitychange', vis);
    window.removeEventListener('pagehide', hide);
  };
}
