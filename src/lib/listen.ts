// Event listeners that an instrumentation adds while it is installed and takes out together
// when it is uninstalled: `listen` adds one and keeps, in `offs`, how to remove it. Capturing
// by default, so that a page handler stopping the event's propagation does not hide it.
export type Listen = (target: EventTarget, type: string, fn: (e: Event) => void, opts?: AddEventListenerOptions) => void;

export const listener = (offs: (() => void)[]): Listen => (target, type, fn, opts = { capture: true }) => {
  target.addEventListener(type, fn, opts);
  offs.push(() => target.removeEventListener(type, fn, opts));
};
