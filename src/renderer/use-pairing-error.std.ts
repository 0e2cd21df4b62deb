// The last pairing attempt's error as the form shows it: at its field until the user edits that field, with focus
// moved there once when it arrives, and for a rate limit a countdown during which Pair waits.
import { useEffect, useRef, useState } from "react";
import type { ClientErrorInfo } from "../core/client-errors.std.ts";
import { errorField } from "./error-text.std.ts";
import { useNow } from "./use-app-view.std.ts";

export interface PairingError {
  error: ClientErrorInfo;
  field: "gateway" | "code" | "form";
  /** For a rate limit: milliseconds until Pair may be used again (0 once over). */
  waitMs: number;
}

export function usePairingError(
  lastError: ClientErrorInfo | null,
  values: { gateway: string; code: string },
  focus: (field: "gateway" | "code" | "form") => void,
): PairingError | null {
  const key = lastError ? JSON.stringify(lastError) : null;
  // When each error was first seen, and the field values it was about.
  const [seen, setSeen] = useState<{ key: string; atMs: number; gateway: string; code: string } | null>(null);
  const focusRef = useRef(focus);
  focusRef.current = focus;
  useEffect(() => {
    if (!key || !lastError) return setSeen(null);
    if (seen?.key === key) return;
    setSeen({ key, atMs: Date.now(), gateway: values.gateway, code: values.code });
    focusRef.current(errorField(lastError.code)); // only a new error moves focus and restarts the clock
  }, [key]);
  const limited = lastError?.retryAfterMs !== undefined && lastError.retryAfterMs > 0;
  const now = useNow(limited ? 250 : 60_000);
  if (!lastError) return null;
  const field = errorField(lastError.code);
  const edited = seen && seen.key === key && field !== "form" && values[field] !== seen[field];
  const waitMs = limited ? Math.max(0, (seen?.atMs ?? now) + lastError.retryAfterMs! - now) : 0;
  if (edited && waitMs === 0) return null;
  return { error: lastError, field, waitMs };
}
