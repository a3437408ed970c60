// A small, honest timing loop: warm up, then run for a fixed wall time and report ops/s.
// Figures from one process run are compared with each other, never with fixed numbers.

export interface Row { name: string; opsPerSec: number; bytes: number; mbPerSec: number }

export function measure(name: string, fn: () => Uint8Array | number, ms = 1000): Row {
  const size = (r: Uint8Array | number) => (typeof r === 'number' ? r : r.length);
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

export function printTable(title: string, rows: Row[], baseline: string): void {
  const base = rows.find((r) => r.name === baseline);
  console.log(`\n${title}`);
  console.log(`${'implementation'.padEnd(48)} ${'ops/s'.padStart(10)} ${'MB/s'.padStart(8)} ${'bytes'.padStart(9)} ${'vs ' + baseline.split(' ')[0]}`);
  for (const r of rows) {
    const ratio = base ? `${(r.opsPerSec / base.opsPerSec).toFixed(2)}x` : '';
    console.log(`${r.name.padEnd(48)} ${r.opsPerSec.toFixed(0).padStart(10)} ${r.mbPerSec.toFixed(1).padStart(8)} ${String(r.bytes).padStart(9)} ${ratio.padStart(7)}`);
  }
}
