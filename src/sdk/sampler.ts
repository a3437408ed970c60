// Sampling: parent-based (a remote or local parent's sampled flag decides), and for root
// spans a ratio - per session in browsers (a whole session is in or out), per trace id on
// the edge. An unsampled span is a NonRecordingSpan: it costs an id and nothing else.

export type RootSampler = (traceId: string) => boolean;

/** Deterministic in [0, 1) from the low 52 bits of a hex id, so every service decides alike. */
export function idRatio(hex: string): number {
  return parseInt(hex.slice(-13), 16) / 2 ** 52;
}

export const traceIdRatio = (ratio: number): RootSampler =>
  ratio >= 1 ? () => true : ratio <= 0 ? () => false : (traceId) => idRatio(traceId) < ratio;
