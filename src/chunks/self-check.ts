// plume.self-check.js (script-tag build): the debug collector check.
import * as check from '../transport/self-check.js';
const w = window as unknown as { __plume?: Record<string, unknown> };
(w.__plume ??= {})['self-check'] = check;
