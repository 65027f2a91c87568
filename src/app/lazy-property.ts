// Report fields that cost a pass over every bar and that many callers never read (a summary reads
// neither the 200k equity points nor the analysis of a 200k-bar run): computed on first read.

/**
 * Defines `target[key]` as an enumerable property whose first read calls `compute` and replaces the
 * property with a plain data property holding the result. To every reader (spread, JSON.stringify,
 * Object.keys, assignment) it is the value an eager build would have stored, in the same key order.
 */
export function defineLazy<T extends object>(target: T, key: string, compute: () => unknown): void {
  const settle = (value: unknown): void => {
    Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
  };
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get(): unknown {
      const value = compute();
      settle(value);
      return value;
    },
    set: settle,
  });
}

/** Whether `target[key]` is still waiting for its first read. */
export function isPending(target: object, key: string): boolean {
  return Object.getOwnPropertyDescriptor(target, key)?.get !== undefined;
}
