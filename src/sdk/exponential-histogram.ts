// The OTel base-2 exponential histogram aggregation: buckets (base^i, base^(i+1)] with
// base = 2^(2^-scale), at most maxSize buckets per sign, scale lowered as the range grows.

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LN2 = Math.LN2;

/** frexp-style: v = m * 2^e with m in [1, 2); also whether v is an exact power of two. */
function exponentOf(v: number): { e: number; pow2: boolean } {
  f64[0] = v;
  const hi = u32[1], lo = u32[0];
  const bits = (hi >>> 20) & 0x7ff;
  if (bits === 0) {
    // Subnormal: fall back to log2 (these never occur in browser timings).
    const e = Math.floor(Math.log2(v));
    return { e, pow2: 2 ** e === v };
  }
  return { e: bits - 1023, pow2: (hi & 0xfffff) === 0 && lo === 0 };
}

/** The bucket index of v > 0 at a scale, exact at powers of two (spec's "lower boundary" rule). */
export function mapToIndex(v: number, scale: number): number {
  const { e, pow2 } = exponentOf(v);
  if (scale <= 0) return (e - (pow2 ? 1 : 0)) >> -scale;
  if (pow2) return (e << scale) - 1;
  return Math.ceil((Math.log(v) * 2 ** scale) / LN2) - 1;
}

export class Buckets {
  offset = 0;
  counts: number[] = [];

  get end(): number { return this.offset + this.counts.length - 1; }

  increment(index: number): void {
    if (this.counts.length === 0) { this.offset = index; this.counts.push(1); return; }
    if (index < this.offset) {
      const grow = this.offset - index;
      this.counts.unshift(...new Array(grow).fill(0));
      this.offset = index;
    } else if (index > this.end) {
      for (let k = this.end; k < index; k++) this.counts.push(0);
    }
    this.counts[index - this.offset]++;
  }

  downscale(by: number): void {
    if (by <= 0 || this.counts.length === 0) return;
    const next: number[] = [];
    const offset = this.offset >> by;
    for (let k = 0; k < this.counts.length; k++) {
      const i = ((this.offset + k) >> by) - offset;
      next[i] = (next[i] ?? 0) + this.counts[k];
    }
    this.offset = offset;
    this.counts = next;
  }
}

export class ExponentialHistogram {
  scale: number;
  zeroCount = 0;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  readonly positive = new Buckets();
  readonly negative = new Buckets();

  constructor(private readonly maxSize = 160, maxScale = 20) {
    this.scale = maxScale;
  }

  record(v: number): void {
    if (!Number.isFinite(v)) return;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    if (v === 0) { this.zeroCount++; return; }
    const buckets = v > 0 ? this.positive : this.negative;
    let index = mapToIndex(Math.abs(v), this.scale);
    const change = this.changeNeeded(buckets, index);
    if (change > 0) {
      this.scale -= change;
      this.positive.downscale(change);
      this.negative.downscale(change);
      index = mapToIndex(Math.abs(v), this.scale);
    }
    buckets.increment(index);
  }

  /** How far the scale must drop so that the bucket range including index fits maxSize. */
  private changeNeeded(b: Buckets, index: number): number {
    if (b.counts.length === 0) return 0;
    let lo = Math.min(b.offset, index), hi = Math.max(b.end, index);
    let change = 0;
    while (hi - lo + 1 > this.maxSize) { lo >>= 1; hi >>= 1; change++; }
    return change;
  }
}
