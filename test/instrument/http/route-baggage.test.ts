// browser-core's parentContext(): when the active context has no span, the open route change's
// context is used INSTEAD of the active one. The active context's baggage is then lost, so a
// request made inside context.with(setBaggage(...)) during a route change (the data loads
// an SPA makes right after navigating) goes out without its baggage header. Outside a route
// change the same call does send it.
import { afterEach, expect, it, vi } from 'vitest';
import { start } from '../../../src/browser-core.js';
import { fetchInstrumentation } from '../../../src/instrument/fetch.js';
import { navigationInstrumentation } from '../../../src/instrument/navigation.js';
import { context } from '../../../src/sdk/context.js';
import { propagation } from '../../../src/sdk/propagation.js';
import { setupEnv, tick } from '../browser-env.js';
import { recordingFetch } from './http-harness.js';

afterEach(() => vi.restoreAllMocks());

it('baggage set by the caller is propagated during a route change too', async () => {
  const env = setupEnv({ path: '/home' });
  const g = globalThis as any;
  const navigation = new EventTarget();
  g.navigation = navigation;
  const { f, calls } = recordingFetch();
  g.fetch = f;
  const plume = start({ transport: () => undefined, instrumentations: { navigation: true, fetch: true } }, [navigationInstrumentation(), fetchInstrumentation()]);
  const withBaggage = () => context.with(
    propagation.setBaggage(context.active(), propagation.createBaggage({ tenant: { value: 'acme' } })),
    () => g.fetch('/api/data'),
  );
  const sentBaggage = (i: number) => new Headers((calls[i].args[1] as RequestInit | undefined)?.headers).get('baggage');

  await withBaggage();
  expect(sentBaggage(0)).toBe('tenant=acme'); // no route change open: sent

  env.setPath('/orders');
  navigation.dispatchEvent(Object.assign(new Event('currententrychange'), { navigationType: 'push' }));
  await withBaggage();
  const tp = new Headers((calls[1].args[1] as RequestInit).headers).get('traceparent');
  expect(tp).toBeTruthy(); // parented to the route change: right
  expect(sentBaggage(1)).toBe('tenant=acme'); // but the caller's baggage must still go
  await tick();
  await plume.shutdown();
});
