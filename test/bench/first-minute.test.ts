// The first-minute budget of `npm run size` is only as good as bench/first-minute.ts's view of
// what a page loaded: here it must see the on-demand files a config is known to load (debug
// loads the console printer and the collector check), in both ways in. Needs dist/ (npm run
// build) and Debian's Chromium; asserts which files were requested, never a timing.
import { describe, expect, it } from 'vitest';
import { APP_ENTRY, firstMinute } from '../../bench/first-minute.js';
import { bundleApp, PLUME_ALIAS, ROOT } from '../../bench/lib.js';

describe('first-minute file detection (npm run size)', () => {
  it('sees the chunks a debug page loads, for the ESM import and the script tag', async () => {
    const app = await bundleApp(APP_ENTRY, ROOT, PLUME_ALIAS);
    const seen = await firstMinute({ esm: app.files, entry: app.entry, config: `{ endpoint: location.origin, debug: true }` });
    expect(seen.esm).toContain(app.entry);
    expect(seen.esm.some((f) => f.startsWith('console-'))).toBe(true);
    expect(seen.esm.some((f) => f.startsWith('self-check-'))).toBe(true);
    expect(seen.scriptTag).toEqual(expect.arrayContaining(['plume.iife.js', 'plume.console.js', 'plume.self-check.js']));
  });
});
