// The renderer's copy of AppView: listen first, then ask, and keep whichever snapshot is newest,
// so an update sent while get-state is in flight is never lost or overwritten by an older one.
import { useEffect, useState } from "react";
import type { AppView, OcmapApi } from "../ipc/ipc-contract.std.ts";

export function useAppView(api: OcmapApi): { view: AppView | null; failed: boolean } {
  const [view, setView] = useState<AppView | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    const keep = (next: AppView) => {
      if (live) setView((prev) => (prev && prev.revision > next.revision ? prev : next));
    };
    const off = api.onState(keep);
    api.getState().then(keep, () => live && setFailed(true));
    return () => {
      live = false;
      off();
    };
  }, [api]);
  return { view, failed };
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
