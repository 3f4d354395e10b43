/**
 * Wraps a store so every call's latency is observed (the store latency histograms on /metrics).
 * Methods are called on the real store (its private fields need the real `this`).
 */
import type { Store } from './store.ts';

/** `error` is what a failed call threw or rejected with. */
export type StoreCallObserver = (method: string, seconds: number, ok: boolean, error?: unknown) => void;

export function timedStore(store: Store, observe: StoreCallObserver): Store {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function' || prop === 'subscribe' || prop === 'constructor') {
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      }
      let fn = wrapped.get(prop);
      if (fn === undefined) {
        const method = String(prop);
        fn = (...args: unknown[]) => {
          const started = process.hrtime.bigint();
          const done = (ok: boolean, error?: unknown) => observe(method, Number(process.hrtime.bigint() - started) / 1e9, ok, error);
          try {
            const result = (value as (...a: unknown[]) => unknown).apply(target, args);
            if (result instanceof Promise) return result.then((r) => (done(true), r), (e: unknown) => (done(false, e), Promise.reject(e)));
            done(true);
            return result;
          } catch (error) {
            done(false, error);
            throw error;
          }
        };
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}
