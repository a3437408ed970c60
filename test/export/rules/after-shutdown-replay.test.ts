// browser-core.ts:76-83 adds a visibilitychange(visible) and a pageshow listener that replay
// what is persisted; shutdown() (browser-core.ts:108-111) removes only the instrumentations
// and the hide listener. After shutdown(), the page being shown again claims (deletes) what
// this or other pages of the origin persisted and sends it through the shut-down instance;
// the hide listener being gone, what it could not send is then lost uncounted when the
// page leaves. (document/window stubbed: the listeners are plain EventTarget code.)
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Signal } from '../../helpers/otlp-schema.js';
import { memoryStorage, quiet, tick } from './delivery-harness.js';

afterEach(() => vi.unstubAllGlobals());

describe('after shutdown()', () => {
  it('showing the page again neither claims persisted data nor calls the transport', async () => {
    const w = quiet();
    const st = memoryStorage();
    const doc = Object.assign(new EventTarget(), { visibilityState: 'visible', readyState: 'complete' });
    const win = new EventTarget();
    vi.stubGlobal('localStorage', st);
    vi.stubGlobal('document', doc);
    vi.stubGlobal('window', win);
    vi.stubGlobal('addEventListener', win.addEventListener.bind(win));
    vi.stubGlobal('location', { href: 'https://shop.example/', origin: 'https://shop.example' });
    const { start } = await import('../../../src/browser-core.js');
    const calls: Signal[] = [];
    const plume = start({ serviceName: 'sd', transport: (_b: Uint8Array, s: Signal) => { calls.push(s); } } as any, []);
    await plume.flush();
    await plume.shutdown();
    const before = calls.length;
    // Another page of this origin persisted a request meanwhile (persist.ts format).
    st.setItem('plume.outbox.other.0', 'traces|2|1|' + String.fromCharCode(0x0a, 0x00));
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    await tick(100);
    console.log(`transport calls after shutdown: ${calls.length - before}; persisted key still there: ${st.getItem('plume.outbox.other.0') !== null}`);
    w.mockRestore();
    expect(st.getItem('plume.outbox.other.0')).not.toBeNull();
    expect(calls.length).toBe(before);
  });
});
