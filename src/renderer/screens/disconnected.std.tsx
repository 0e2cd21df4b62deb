// Paired but not connected: why, when the next attempt is, and a way to try at once.
import type { CoreView } from "../../core/core-view.std.ts";
import { errorSentence } from "../error-text.std.ts";
import { formatCountdown } from "../format.std.ts";
import { ErrorAlert, InsecureWarning, ScreenHeading } from "../parts.std.tsx";
import { useNow } from "../use-app-view.std.ts";

export function DisconnectedScreen({ core, onRetry }: { core: CoreView; onRetry(): void }) {
  const now = useNow();
  const connecting = core.activity === "connecting";
  const nextRetryAt = core.reconnect?.nextRetryAt ?? null;
  return (
    <>
      <ScreenHeading>Not connected</ScreenHeading>
      <p>
        This device is paired with <strong className="host">{core.gateway?.host}</strong> but not connected right now.
      </p>
      {core.lastError && core.lastError.code !== "DEAD_SOCKET" && core.lastError.code !== "CONNECTION_LOST" ? (
        <ErrorAlert>
          <p>{errorSentence(core.lastError)}</p>
        </ErrorAlert>
      ) : (
        <p role="status">{core.lastError ? errorSentence(core.lastError) : core.reason.message}</p>
      )}
      {/* Pre-rendered by the main process a moment earlier, the count may be a second off: it ticks. */}
      <p className="countdown busy" suppressHydrationWarning>
        {connecting
          ? "Connecting now…"
          : nextRetryAt
            ? `Next attempt in ${formatCountdown(nextRetryAt - now)}.`
            : "Waiting to reconnect."}
      </p>
      {core.reconnect && core.reconnect.attempt > 1 && (
        <p className="hint">{core.reconnect.attempt} attempts so far.</p>
      )}
      <div className="actions">
        <button type="button" className="primary" onClick={onRetry} disabled={connecting}>
          Retry now
        </button>
      </div>
      {core.gateway?.insecure && <InsecureWarning host={core.gateway.host} />}
    </>
  );
}
