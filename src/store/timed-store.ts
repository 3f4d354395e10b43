/**
 * Wraps a store so every call's latency is observed (the store latency histograms on /metrics).
 * The wrapper is a plain object whose timed methods are made once, when it is built, one per
 * method of the store (a Proxy would run its trap on every property read of the hot path).
 * Methods are called on the real store (its private fields need the real `this`); `subscribe`
 * is passed through untimed and other properties are read from the store when read.
 */
import type { Store } from './store.ts';

/** `error` is what a failed call threw or rejected with. */
export type StoreCallObserver = (method: string, seconds: number, ok: boolean, error?: unknown) => void;

type Method = (...args: unknown[]) => unknown;

export function timedStore(store: Store, observe: StoreCallObserver): Store {
  const timed = {};
  for (const key of propertyKeys(store)) {
    const value = Reflect.get(store, key, store) as unknown;
    if (typeof value !== 'function') Object.defineProperty(timed, key, { get: () => Reflect.get(store, key, store) as unknown, enumerable: true });
    else if (key === 'subscribe') Object.defineProperty(timed, key, { value: (value as Method).bind(store), enumerable: true });
    else Object.defineProperty(timed, key, { value: timedMethod(store, String(key), value as Method, observe), enumerable: true });
  }
  return timed as Store;
}

/** The store's own properties and those of its prototypes (its class's methods), once each. */
function propertyKeys(store: Store): Set<PropertyKey> {
  const keys = new Set<PropertyKey>();
  for (let o: object | null = store; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const key of Reflect.ownKeys(o)) if (key !== 'constructor') keys.add(key);
  }
  return keys;
}

function timedMethod(store: Store, method: string, fn: Method, observe: StoreCallObserver): Method {
  return (...args) => {
    const started = performance.now();
    let result: unknown;
    try {
      result = fn.apply(store, args);
    } catch (error) {
      observe(method, (performance.now() - started) / 1000, false, error);
      throw error;
    }
    if (!(result instanceof Promise)) {
      observe(method, (performance.now() - started) / 1000, true);
      return result;
    }
    return result.then(
      (value: unknown) => {
        observe(method, (performance.now() - started) / 1000, true);
        return value;
      },
      (error: unknown) => {
        observe(method, (performance.now() - started) / 1000, false, error);
        return Promise.reject(error);
      },
    );
  };
}
