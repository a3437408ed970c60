// The script-tag build's on-demand code: plume.<name>.js files beside plume.iife.js, each
// registering itself on window.__plume (an IIFE cannot import chunks).
import type { Encode } from '../encode/loader.js';

type Registry = Record<string, unknown>;
// Read while this file runs: currentScript is null once it has. (An SVG <script> has no src.)
const src = typeof document === 'object' ? (document.currentScript as HTMLScriptElement | null)?.src : undefined;
const base = typeof src === 'string' ? src.slice(0, src.lastIndexOf('/') + 1) : '';

function load<T>(name: string): Promise<T> {
  const w = window as unknown as { __plume?: Registry };
  const reg = (w.__plume ??= {});
  if (reg[name]) return Promise.resolve(reg[name] as T);
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = `${base}plume.${name}.js`;
    s.onload = () => (reg[name] ? resolve(reg[name] as T) : reject(new Error(`plume.${name}.js did not register`)));
    s.onerror = () => reject(new Error(`could not load ${s.src}`));
    (document.head || document.documentElement).appendChild(s);
  });
}

export const loadTwin = (): Promise<Encode> => load<{ encodeRecords: Encode }>('twin').then((m) => m.encodeRecords);
export const loadConsole = (): Promise<typeof import('../export/console.js')> => load('console');
export const loadExponentialHistogram = (): Promise<typeof import('../sdk/exponential-histogram.js')> => load('exp-histogram');
export const loadSelfCheck = (): Promise<typeof import('../transport/self-check.js')> => load('self-check');
export const loadPropagationCheck = (): Promise<typeof import('../instrument/propagation-check.js')> => load('propagation-check');
export const loadReplay = (): Promise<typeof import('../export/replay.js')> => load('replay');
