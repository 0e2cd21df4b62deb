// React's side of the renderer's AppView (app-view-source.std.ts), and a clock for countdowns.
import { useEffect, useState, useSyncExternalStore } from "react";
import type { AppViewSnapshot, AppViewSource } from "./app-view-source.std.ts";

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
