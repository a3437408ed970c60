// The snippet holds every early error event until plume.iife.js arrives. When it never arrives
// (blocked by an extension or a CSP, offline, a 404 after a deploy) the queue grows for the
// life of the page: an error thrown per animation frame keeps 216,000 events (each with its
// error, stack and target) an hour. The project's rule: memory bounded, every drop counted.
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';

it('early errors held by the snippet are bounded when the SDK never loads', () => {
  const src = readFileSync(new URL('../../src/loader/snippet.js', import.meta.url), 'utf8');
  const win = new EventTarget() as any;
  const appended: any[] = [];
  const document = { createElement: () => ({}), head: { appendChild: (s: any) => appended.push(s) } };
  runInNewContext(src, { window: win, document });
  expect(appended).toHaveLength(1); // the script element; it never loads here
  for (let k = 0; k < 20_000; k++) win.dispatchEvent(new Event('error'));
  expect(win.plume.q.length).toBeLessThanOrEqual(1000);
});

// Waiting for init (a consent banner that may never be answered) made this matter for calls
// too: a page logging through plume('emit', …) kept every call for the life of the page.
it('queued calls are bounded while init never comes: past 1000 an emit is only counted, and init is always kept', () => {
  const src = readFileSync(new URL('../../src/loader/snippet.js', import.meta.url), 'utf8');
  const win = new EventTarget() as any;
  const document = { createElement: () => ({}), head: { appendChild: () => {} } };
  runInNewContext(src, { window: win, document, Date });
  for (let k = 0; k < 20_000; k++) win.plume('emit', { body: `log ${k}` });
  win.plume.init({ endpoint: '/otlp' });
  expect(win.plume.q.length).toBe(1001);
  expect(win.plume.q.at(-1)[1][0]).toBe('init');
  expect(win.plume.d).toBe(19_000);
});
