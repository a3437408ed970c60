// Config.resource['service.name'] is replaced by the default service name.
import { describe, expect, it } from 'vitest';
import { setup } from './core-harness.js';

describe('resource', () => {
  it("config.resource['service.name'] is kept when serviceName is not given", async () => {
    const { core, resource } = setup({ serviceName: undefined, resource: { 'service.name': 'checkout-web', 'team': 'shop' } });
    core.tracer.startSpan('s').end();
    await core.flush();
    const attrs = Object.fromEntries(resource().map((a: any) => [a.key, a.value.stringValue]));
    expect(attrs.team).toBe('shop'); // the rest of config.resource is kept...
    expect(attrs['service.name']).toBe('checkout-web'); // ...but service.name becomes 'unknown_service'
  });
});
