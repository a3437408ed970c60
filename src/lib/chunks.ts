// Code that only some pages need, loaded on demand: the JS twin (where wasm is refused), the
// debug console printer, the collector self-check, the check of the origins that get trace
// headers (debug), and reading back what earlier pages persisted. Here as ES module chunks; the script-tag build swaps this file for
// chunks.iife.ts (rollup.config.js).
import type { Encode } from '../encode/loader.js';

export const loadTwin = (): Promise<Encode> => import('../encode/twin.js').then((m) => m.encodeRecords);
export const loadConsole = (): Promise<typeof import('../export/console.js')> => import('../export/console.js');
export const loadExponentialHistogram = (): Promise<typeof import('../sdk/exponential-histogram.js')> => import('../sdk/exponential-histogram.js');
export const loadSelfCheck = (): Promise<typeof import('../transport/self-check.js')> => import('../transport/self-check.js');
export const loadPropagationCheck = (): Promise<typeof import('../instrument/propagation-check.js')> => import('../instrument/propagation-check.js');
export const loadReplay = (): Promise<typeof import('../export/replay.js')> => import('../export/replay.js');
