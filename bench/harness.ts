// A small, honest timing loop: warm up, then run for a fixed wall time and report ops/s;
// several rounds, the contenders interleaved in each, so that a noisy neighbour on the
// machine hits them all alike and the spread shows. Figures from one process run are
// compared with each other (ratios per round), never with fixed numbers.

export const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
export const MS = Number(process.env.BENCH_MS ?? 500);

export interface Row { name: string; opsPerSec: number; bytes: number; mbPerSec: number }
type Out = Uint8Array | number;
const size = (r: Out) => (typeof r === 'number' ? r : r.length);

export function measure(name: string, fn: () => Out, ms = MS): Row {
  let bytes = size(fn());
  // Warm-up lets the JIT (and wasm tier-up) settle before the timed loop.
  const warmEnd = performance.now() + Math.min(300, ms / 3);
  while (performance.now() < warmEnd) bytes = size(fn());
  let ops = 0;
  const start = performance.now();
  let now = start;
  const end = start + ms;
  while (now < end) {
    for (let k = 0; k < 4; k++) fn();
    ops += 4;
    now = performance.now();
  }
  const opsPerSec = (ops * 1000) / (now - start);
  return { name, opsPerSec, bytes, mbPerSec: (opsPerSec * bytes) / 1e6 };
}

/** The same for work that completes asynchronously (a flush, a batch processor's export). */
export async function measureAsync(name: string, fn: () => Promise<Out>, ms = MS): Promise<Row> {
  let bytes = size(await fn());
  const warmEnd = performance.now() + Math.min(300, ms / 3);
  while (performance.now() < warmEnd) bytes = size(await fn());
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now < start + ms) {
    await fn();
    ops++;
    now = performance.now();
  }
  const opsPerSec = (ops * 1000) / (now - start);
  return { name, opsPerSec, bytes, mbPerSec: (opsPerSec * bytes) / 1e6 };
}

export interface Contender { name: string; run: () => Out | Promise<Out>; async?: boolean }
export interface Rounds { name: string; ops: number[]; bytes: number; mbPerSec: number }

/** ROUNDS rounds after a warm-up pass; in each, every contender once, in order. */
export async function rounds(contenders: Contender[], ms = MS, n = ROUNDS): Promise<Rounds[]> {
  const out: Rounds[] = contenders.map((c) => ({ name: c.name, ops: [], bytes: 0, mbPerSec: 0 }));
  // An untimed pass first: the first round otherwise pays for tiering up every code path.
  for (const c of contenders) {
    if (c.async) await measureAsync(c.name, c.run as () => Promise<Out>, ms / 3);
    else measure(c.name, c.run as () => Out, ms / 3);
  }
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[i];
      const row = c.async ? await measureAsync(c.name, c.run as () => Promise<Out>, ms) : measure(c.name, c.run as () => Out, ms);
      out[i].ops.push(row.opsPerSec);
      out[i].bytes = row.bytes;
    }
  }
  for (const o of out) o.mbPerSec = (median(o.ops) * o.bytes) / 1e6;
  return out;
}

export function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Per-round ratios of a to b: median and range. */
export function ratio(a: Rounds, b: Rounds): { median: number; min: number; max: number } {
  const r = a.ops.map((v, i) => v / b.ops[i]);
  return { median: median(r), min: Math.min(...r), max: Math.max(...r) };
}

export const fmtRatio = (r: { median: number; min: number; max: number }) =>
  `${r.median.toFixed(2)}x (${r.min.toFixed(2)}–${r.max.toFixed(2)})`;

export function printRounds(title: string, rows: Rounds[], baseline: string): void {
  const base = rows.find((r) => r.name === baseline);
  const n = rows[0]?.ops.length ?? 0;
  console.log(`\n${title}`);
  console.log(`${'implementation'.padEnd(52)} ${'ops/s median (min–max)'.padStart(24)} ${'MB/s'.padStart(7)} ${'bytes'.padStart(9)}  ` +
    `vs ${baseline.split(',')[0]} (per-round range; ${n} rounds)`);
  for (const r of rows) {
    const ops = `${median(r.ops).toFixed(0)} (${Math.min(...r.ops).toFixed(0)}–${Math.max(...r.ops).toFixed(0)})`;
    const vs = base ? fmtRatio(ratio(r, base)) : '';
    console.log(`${r.name.padEnd(52)} ${ops.padStart(24)} ${r.mbPerSec.toFixed(1).padStart(7)} ${String(r.bytes).padStart(9)}  ${vs}`);
  }
}
