// The PAKE's cost per side, for `npm run bench` (docs/pairing-protocol.md, "Numbers"): the client's two steps
// (share, then ISK + keys + confirmation + opening the grant) and the plugin's (share + ISK + keys, then
// checking the confirmation + sealing), each timed over `rounds` full runs; median in ms.
import { openSealedJson, sealJson } from "./pairing-keys.std.ts";
import {
  clientConfirmationValid,
  clientPake,
  serverConfirmation,
  serverConfirmationValid,
  serverPake,
} from "./pairing-v2.std.ts";

export interface PakeCost {
  rounds: number;
  clientMedianMs: number;
  serverMedianMs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export function benchPake(rounds = 50, now: () => number = () => performance.now()): PakeCost {
  const client: number[] = [];
  const server: number[] = [];
  const code = "AB3D5FG7";
  for (let round = 0; round < rounds; round++) {
    const sessionId = `bench-${round}`;
    let started = now();
    const pake = clientPake(code);
    let clientMs = now() - started;

    started = now();
    const plugin = serverPake(code, pake.request, sessionId);
    let serverMs = now() - started;

    started = now();
    const finished = pake.finish({ sessionId, share: plugin.share });
    clientMs += now() - started;

    started = now();
    if (!clientConfirmationValid(plugin.keys, sessionId, finished.confirm)) throw new Error("bench: PAKE failed");
    const sealed = sealJson(plugin.keys, sessionId, { bootstrapToken: "x".repeat(43), scopes: ["operator.read"] });
    const serverTag = serverConfirmation(plugin.keys, sessionId);
    serverMs += now() - started;

    started = now();
    if (!serverConfirmationValid(finished.keys, sessionId, serverTag)) throw new Error("bench: server tag");
    if (openSealedJson(finished.keys, sessionId, sealed) === undefined) throw new Error("bench: sealed grant");
    clientMs += now() - started;

    client.push(clientMs);
    server.push(serverMs);
  }
  return { rounds, clientMedianMs: median(client), serverMedianMs: median(server) };
}
