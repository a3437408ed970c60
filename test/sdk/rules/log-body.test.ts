// Log record bodies of OTel AnyValue types.
import { describe, expect, it } from 'vitest';
import { setup } from './core-harness.js';

describe('log body', () => {
  it('a Uint8Array body is sent as bytesValue (OTel AnyValue bytes), not as a kvlist of indices', async () => {
    const { core, logs } = setup();
    core.logger.emit({ body: new Uint8Array([1, 2, 3]) });
    await core.flush();
    const [l] = logs();
    // OTel JS otlp-transformer: `value instanceof Uint8Array` -> { bytesValue }.
    expect(l.body).toEqual({ bytesValue: Buffer.from([1, 2, 3]).toString('base64') });
  });
});
