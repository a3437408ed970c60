// StartActiveSpan overloads.
import { describe, expect, it } from 'vitest';
import { setup } from './core-harness.js';

describe('startActiveSpan', () => {
  it('without a function returns undefined and does not throw (OTel sdk-trace: arguments.length < 2 -> return)', () => {
    const { core } = setup();
    expect(() => (core.tracer.startActiveSpan as any)('x')).not.toThrow();
  });
});
