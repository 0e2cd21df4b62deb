// An ocmap:// link never pairs by itself: the user sees the gateway host and says yes or no.
import type { PendingLink } from "../../ipc/ipc-contract.std.ts";
import { InsecureWarning, ScreenHeading } from "../parts.std.tsx";

export function LinkConfirmScreen({ link, onAnswer }: { link: PendingLink; onAnswer(accept: boolean): void }) {
  return (
    <>
      <ScreenHeading>Pair with {link.host}?</ScreenHeading>
      <p>
        A pairing link asks OCMAP to pair this computer with the gateway at{" "}
        <strong className="host">{link.host}</strong> using the code <span className="mono">{link.code}</span>.
      </p>
      <p>
        Pair only if you asked for this link and you recognize this gateway. Anyone who controls it can see what this
        device does.
      </p>
      {link.insecure && <InsecureWarning host={link.host} />}
      <div className="actions main-actions">
        <button type="button" className="primary" onClick={() => onAnswer(true)}>
          Pair
        </button>
        <button type="button" className="secondary" onClick={() => onAnswer(false)}>
          Cancel
        </button>
      </div>
    </>
  );
}
