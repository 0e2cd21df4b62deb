// The renderer's copy of AppView: listen first, then ask, and keep whichever snapshot is newest,
// so an update sent while get-state is in flight is never lost or overwritten by an older one.
// Started before React renders anything (main.dom.tsx), so the first screen waits for one IPC
// round trip at most, overlapped with loading React, instead of following React's first commit.
import { useEffect, useState, useSyncExternalStore } from "react";
import type { AppView, OcmapApi } from "../ipc/ipc-contract.std.ts";

export interface AppViewSnapshot {
  view: AppView | null;
  failed: boolean;
}

export interface AppViewSource {
  get(): AppViewSnapshot;
  subscribe(listener: () => void): () => void;
  /** Settles once get-state answered or failed. */
  ready: Promise<void>;
}

export function startAppViewSource(api: OcmapApi): AppViewSource {
  let snapshot: AppViewSnapshot = { view: null, failed: false };
  const listeners = new Set<() => void>();
  const set = (next: AppViewSnapshot) => {
    snapshot = next;
    for (const listener of [...listeners]) listener();
  };
  const keep = (next: AppView) => {
    if (!snapshot.view || snapshot.view.revision <= next.revision) set({ ...snapshot, view: next });
  };
  api.onState(keep);
  const ready = api.getState().then(keep, () => set({ ...snapshot, failed: true }));
  return {
    get: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    ready,
  };
}

export function useAppView(source: AppViewSource): AppViewSnapshot {
  // The same snapshot serves hydration: the client hydrates only once get-state answered.
  return useSyncExternalStore(source.subscribe, source.get, source.get);
}

/** Date.now(), refreshed every `everyMs` while the component is shown. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
