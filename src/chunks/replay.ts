// plume.replay.js (script-tag build): reading back what earlier pages persisted.
import * as replay from '../export/replay.js';
const w = window as unknown as { __plume?: Record<string, unknown> };
(w.__plume ??= {}).replay = replay;
