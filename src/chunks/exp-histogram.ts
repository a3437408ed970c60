// plume.exp-histogram.js (script-tag build): the exponential histogram aggregation.
import * as exp from '../sdk/exponential-histogram.js';
const w = window as unknown as { __plume?: Record<string, unknown> };
(w.__plume ??= {})['exp-histogram'] = exp;
