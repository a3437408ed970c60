// A value made on first use. Instruments are made this way by the instrumentations: creating
// them at install would run the meter's code while the page loads, for nothing if the page
// never makes a request or throws.
export const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) { value = make(); made = true; }
    return value as T;
  };
};
