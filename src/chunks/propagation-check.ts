// plume.propagation-check.js (script-tag build): the debug check of the origins that get trace headers.
import * as check from '../instrument/propagation-check.js';
const w = window as unknown as { __plume?: Record<string, unknown> };
(w.__plume ??= {})['propagation-check'] = check;
