// plume.twin.js (script-tag build): the JS twin encoder, loaded only where wasm is refused.
import * as twin from '../encode/twin.js';
const w = window as unknown as { __plume?: Record<string, unknown> };
(w.__plume ??= {}).twin = twin;
