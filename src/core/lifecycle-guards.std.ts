// The lifecycle machine's named guards (lifecycle-machine.std.ts), each a question about the event.
import { errorOf, isRevocation } from "./lifecycle-reasons.std.ts";
import type { CoreContext, CoreEvent, ProbeAnswer, TrustSummary } from "./lifecycle-types.std.ts";

/** The error carried by an `xstate.error.actor.*` event (named actions see the machine's event union). */
export const errorIn = (event: unknown) => errorOf((event as { error: unknown }).error);

type GuardArgs = { event: CoreEvent; context: CoreContext };

export const lifecycleGuards = {
  hasStoredTrust: ({ event }: GuardArgs) => !!(event as unknown as { output: TrustSummary | null }).output,
  pairingRevoked: ({ event }: GuardArgs) => errorIn(event).code === "DEVICE_REVOKED",
  connectRevoked: ({ event }: GuardArgs) => isRevocation(errorIn(event)),
  gatewayStarting: ({ event }: GuardArgs) => errorIn(event).code === "GATEWAY_STARTING",
  // An impostor does not go away in a second: no fast polling, trust kept, not REVOKED.
  identityChanged: ({ event }: GuardArgs) => errorIn(event).code === "GATEWAY_IDENTITY_CHANGED",
  closedByAccessChange: ({ event }: GuardArgs) => event.type === "SOCKET_CLOSED" && event.code === 4001,
  mayProbe: ({ context }: GuardArgs) => context.probing,
  /** The latest probe says a handshake now would fail at once (nothing listening, or still starting). */
  probeSaysDown: ({ context }: GuardArgs) => context.probeDown !== null,
  /** The gateway serves again after the probe saw it down: worth a handshake now. */
  servingAgain: ({ event, context }: GuardArgs) =>
    context.probeSawDown && (event as unknown as { output: ProbeAnswer }).output === "serving",
};
