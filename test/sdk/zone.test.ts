// plume/zone on a real zone.js (its node build here; the browser suite loads the browser one).
import { describe, expect, it } from 'vitest';
import 'zone.js/node';
import { useGlobalZone, ZoneContextManager } from '../../src/zone.js';
import { context, ROOT_CONTEXT, setContextManager, StackContextManager } from '../../src/sdk/context.js';

const KEY = Symbol('k');

describe('ZoneContextManager', () => {
  it('reuses the global Zone and carries the context through timers and promise callbacks', async () => {
    const m = useGlobalZone();
    expect(m).toBeInstanceOf(ZoneContextManager);
    const ctx = ROOT_CONTEXT.setValue(KEY, 'v');
    const seen = await new Promise<unknown[]>((resolve) => {
      context.with(ctx, () => {
        const got: unknown[] = [context.active().getValue(KEY)];
        setTimeout(() => {
          got.push(context.active().getValue(KEY));
          Promise.resolve().then(() => {
            got.push(context.active().getValue(KEY));
            resolve(got);
          });
        }, 1);
      });
    });
    expect(seen).toEqual(['v', 'v', 'v']);
    expect(context.active().getValue(KEY)).toBeUndefined();
    const bound = context.bind(ctx, () => context.active().getValue(KEY));
    expect(bound()).toBe('v');
    setContextManager(new StackContextManager());
  });

  it('the documented limit: after a native await the context is gone', async () => {
    useGlobalZone();
    const ctx = ROOT_CONTEXT.setValue(KEY, 'v');
    const after = await context.with(ctx, async () => {
      await new Promise((r) => setTimeout(r, 1));
      return context.active().getValue(KEY);
    });
    // zone.js cannot intercept native await (ES2017 output); transpiled async code keeps it.
    expect(after).toBeUndefined();
    setContextManager(new StackContextManager());
  });
});
