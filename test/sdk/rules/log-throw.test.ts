// Logger.emit must not throw into the page for any body.
import { describe, expect, it } from 'vitest';
import { setup } from './core-harness.js';

describe('logger.emit never throws', () => {
  it('a body holding an Invalid Date', () => {
    const { core } = setup();
    // e.g. logger.emit({ body: { orderDate: new Date(userInput) } })
    expect(() => core.logger.emit({ body: { orderDate: new Date('31/12/2024') } })).not.toThrow();
  });

  it('a body that is an Invalid Date', () => {
    const { core } = setup();
    expect(() => core.logger.emit({ body: new Date(NaN) })).not.toThrow();
  });

  it('a body with a getter that throws', () => {
    const { core } = setup();
    const body = { ok: 1, get bad(): number { throw new Error('getter'); } };
    expect(() => core.logger.emit({ body })).not.toThrow();
  });
});
