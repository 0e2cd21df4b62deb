// Moves keyboard and screen-reader focus to a screen's heading when that screen appears.
import { useEffect, useRef } from "react";

export function useFocusOnMount<T extends HTMLElement>(enabled = true) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (enabled) ref.current?.focus();
  }, [enabled]);
  return ref;
}
