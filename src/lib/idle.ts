// Runs fn once the main thread is idle, and at the latest after `timeout` ms. Where there is no
// requestIdleCallback (Safari, workers, node), after `fallback` ms instead.
export const whenIdle = (fn: () => void, timeout: number, fallback: number): unknown =>
  typeof requestIdleCallback === 'function' ? requestIdleCallback(fn, { timeout }) : setTimeout(fn, fallback);
