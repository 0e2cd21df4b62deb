// Paired but not connected: why (naming the address tried), that OCMAP keeps trying, a way to try at once, and
// where the address lives (a pairing belongs to one address; Settings says what to do if the gateway moved).
import type { CoreView } from "../../core/core-view.std.ts";
import { errorSentence } from "../error-text.std.ts";
import { formatCountdown } from "../format.std.ts";
import { ErrorAlert, ScreenHeading } from "../parts.std.tsx";
import { useNow } from "../use-app-view.std.ts";

/** Below this, a countdown would only race the button beside it: the line just says it is about to try. */
const SHOW_COUNTDOWN_FROM_MS = 3_000;

export function DisconnectedScreen({
  core,
  onRetry,
  onOpenSettings,
}: {
  core: CoreView;
  onRetry(): void;
  onOpenSettings(): void;
}) {
  const now = useNow();
  const connecting = core.activity === "connecting";
  const nextRetryAt = core.reconnect?.nextRetryAt ?? null;
  const wait = nextRetryAt === null ? null : nextRetryAt - now;
  const quiet = core.lastError?.code === "DEAD_SOCKET" || core.lastError?.code === "CONNECTION_LOST";
  return (
    <>
      <ScreenHeading>Not connected</ScreenHeading>
      <p>
        This device is paired with <strong className="host">{core.gateway?.url ?? core.gateway?.host}</strong> but not
        connected right now.
      </p>
      {core.lastError && !quiet ? (
        <ErrorAlert>
          <p>{errorSentence(core.lastError, { retrying: true })}</p>
        </ErrorAlert>
      ) : (
        <p role="status">{core.lastError ? errorSentence(core.lastError) : core.reason.message}</p>
      )}
      {/* Pre-rendered by the main process a moment earlier, the count may be a second off: it ticks. */}
      <p className="countdown busy" suppressHydrationWarning>
        {connecting
          ? "Connecting now…"
          : wait !== null && wait >= SHOW_COUNTDOWN_FROM_MS
            ? `Next attempt in ${formatCountdown(wait)}.`
            : "OCMAP tries again by itself, every few seconds at first."}
      </p>
      <div className="actions main-actions">
        <button type="button" className="primary" onClick={onRetry} disabled={connecting}>
          Retry now
        </button>
        <button type="button" className="secondary" onClick={onOpenSettings}>
          Address and settings
        </button>
      </div>
    </>
  );
}
