// The latest view of something, its listeners, and "wait until it looks like this": shared by the
// core (CoreView) and the desktop app's controller (AppView).

export interface ViewStore<T> {
  get(): T;
  /** Replaces the view and tells every listener. */
  set(next: T): void;
  subscribe(listener: (view: T) => void): () => void;
  /** Resolves with the first view that satisfies `predicate` (now or later). */
  waitFor(predicate: (view: T) => boolean, timeoutMs?: number): Promise<T>;
}

export function createViewStore<T>(initial: T, describe: (view: T) => string): ViewStore<T> {
  let current = initial;
  const listeners = new Set<(view: T) => void>();
  return {
    get: () => current,
    set(next) {
      current = next;
      for (const listener of [...listeners]) listener(next);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    waitFor(predicate, timeoutMs = 60_000) {
      if (predicate(current)) return Promise.resolve(current);
      return new Promise((resolve, reject) => {
        const check = (view: T) => {
          if (!predicate(view)) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve(view);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(`the view did not reach the expected state within ${timeoutMs} ms (now ${describe(current)})`),
          );
        }, timeoutMs);
        listeners.add(check);
      });
    },
  };
}
