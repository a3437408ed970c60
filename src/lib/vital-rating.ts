// A Web Vital's rating, as web-vitals rates it (the semantic conventions' browser.web_vital.rating
// takes its values): good up to the first threshold, poor above the second, from web.dev.
const THRESHOLDS: Record<string, [good: number, poor: number]> = {
  lcp: [2500, 4000], fcp: [1800, 3000], ttfb: [800, 1800], cls: [0.1, 0.25], inp: [200, 500],
};

export const rating = (name: string, v: number): string => {
  const [good, poor] = THRESHOLDS[name];
  return v <= good ? 'good' : v <= poor ? 'needs-improvement' : 'poor';
};
