// Reading a caller's objects without letting them throw at us. The OTel API never throws into
// the application, and what it is handed may be anything: getters that throw, Proxies whose
// traps throw, a toString or valueOf that throws. A value that cannot be read is treated as
// invalid (attributes: dropped and counted). Hot paths (attribute bags) use a try/catch
// around their own loop instead of a call per value.

/** What read() gives for a value whose reading threw. */
export const UNREADABLE: unique symbol = Symbol('unreadable');

/** obj[key], or UNREADABLE when reading it throws. */
export function read(obj: unknown, key: PropertyKey): unknown {
  try {
    return (obj as Record<PropertyKey, unknown>)[key];
  } catch {
    return UNREADABLE;
  }
}

/** obj[key], or undefined when reading it throws. */
export const readOr = (obj: unknown, key: PropertyKey): unknown => {
  const v = read(obj, key);
  return v === UNREADABLE ? undefined : v;
};

/** What to say of a caught error: its message, or itself as text, whatever it is. */
export function errorText(e: unknown): string {
  const m = readOr(e, 'message');
  return str(m !== undefined ? m : e) ?? 'an error that cannot be printed';
}

/** String(v), or undefined when its toString or valueOf throws. */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  try {
    return String(v);
  } catch {
    return undefined;
  }
}
