// Attribute keys that collide with Object.prototype.
import { describe, expect, it } from 'vitest';
import { setup } from './core-harness.js';

const keysOf = (x: any) => (x.attributes ?? []).map((a: any) => a.key);

describe('attribute keys', () => {
  it("an array value under '__proto__' does not turn into attributes named '0', '1'", async () => {
    const { core, spans } = setup();
    // e.g. attributes copied from JSON.parse output, which can hold an own '__proto__' key
    core.tracer.startSpan('s', { attributes: JSON.parse('{"__proto__": ["a", "b"], "ok": 1}') }).end();
    await core.flush();
    const [s] = spans();
    expect(keysOf(s)).not.toContain('0');
    expect(keysOf(s)).not.toContain('1');
  });

  it("keys like 'constructor' count against the attribute count limit", async () => {
    const { core, spans } = setup({ limits: { attributeCount: 2 } });
    const s = core.tracer.startSpan('s');
    s.setAttribute('a', 1).setAttribute('b', 2).setAttribute('constructor', 3).setAttribute('toString', 4);
    s.end();
    await core.flush();
    const [sp] = spans();
    expect(keysOf(sp)).toHaveLength(2); // limit 2; received 4 ('constructor' and 'toString' look already present)
    expect(sp.droppedAttributesCount).toBe(2);
  });
});
