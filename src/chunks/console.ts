// plume.console.js (script-tag build): the debug console printer.
import * as printer from '../export/console.js';
const w = window as unknown as { __plume?: Record<string, unknown> };
(w.__plume ??= {}).console = printer;
