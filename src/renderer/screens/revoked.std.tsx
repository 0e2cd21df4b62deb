import type { CoreView } from "../../core/core-view.std.ts";
import { errorSentence } from "../error-text.std.ts";
import { ErrorAlert, ScreenHeading } from "../parts.std.tsx";

export function RevokedScreen({ core, onPairAgain }: { core: CoreView; onPairAgain(): void }) {
  return (
    <>
      <ScreenHeading>This device was revoked</ScreenHeading>
      <ErrorAlert>
        <p>{core.reason.message}</p>
        {core.lastError && core.lastError.code.startsWith("KEYCHAIN_") && <p>{errorSentence(core.lastError)}</p>}
      </ErrorAlert>
      <p>
        Its credentials were deleted from this computer. To use the gateway again, ask its operator for a new pairing
        code.
      </p>
      <div className="actions main-actions">
        <button type="button" className="primary" onClick={onPairAgain}>
          Pair again
        </button>
      </div>
    </>
  );
}
