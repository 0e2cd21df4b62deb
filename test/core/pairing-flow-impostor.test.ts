// Unit test of pairing-flow.node.ts against a FAKE gateway (an impostor HTTP server on loopback, named
// fakeImpostor): one that does not know the code cannot produce the server confirmation, so the client stops
// with CODE_INVALID before any WebSocket; one that knows it but sends a grant without a gateway identity, or a
// box that does not open, gets PROTOCOL_ERROR. The real plugin is covered in test/client.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import { sealJson } from "@ocmap/protocol/pairing-keys";
import { V2_PATHS, serverConfirmation, serverPake } from "@ocmap/protocol/pairing-v2";
import { createIdentity } from "../../src/core/identity.node.ts";
import { pairWithCode } from "../../src/core/pairing-flow.node.ts";

const CODE = "AB3D-5FGM"; // a well-formed code (its check symbol is right)
let server: http.Server | undefined;
afterEach(() => server?.close());

type Behaviour = { knowsCode: string; grant?: (sessionId: string) => unknown; sealed?: string };

/** fakeImpostor: answers /v2/start and /v2/confirm as `behaviour` says; counts WebSocket upgrades. */
async function fakeImpostor(behaviour: Behaviour) {
  const seen = { paths: [] as string[], upgrades: 0 };
  let keys: ReturnType<typeof serverPake>["keys"] | undefined;
  server = http.createServer(async (req, res) => {
    seen.paths.push(req.url ?? "");
    let body = "";
    for await (const chunk of req) body += chunk;
    const json = JSON.parse(body || "{}");
    const reply = (value: unknown) =>
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(value));
    if (req.url === V2_PATHS.start) {
      const answer = serverPake(behaviour.knowsCode, json, "impostor-session");
      keys = answer.keys;
      return reply({ ok: true, sessionId: "impostor-session", share: answer.share, expiresAtMs: Date.now() + 60_000 });
    }
    const confirm = serverConfirmation(keys!, "impostor-session");
    const grant = behaviour.grant?.("impostor-session") ?? {};
    const sealed = behaviour.sealed ?? sealJson(keys!, "impostor-session", grant);
    reply({ ok: true, confirm, sealed });
  });
  server.on("upgrade", (_req, socket) => (seen.upgrades++, socket.destroy()));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const pair = (gatewayUrl: string) =>
  pairWithCode({
    gatewayUrl,
    code: CODE,
    identity: createIdentity(),
    displayName: "t",
    version: "0",
    timeoutMs: 3_000,
  });

it("an impostor that does not know the code: CODE_INVALID after /confirm, no connect", async () => {
  const { url, seen } = await fakeImpostor({ knowsCode: "ZZZZ123X" });
  await expect(pair(url)).rejects.toMatchObject({ code: "CODE_INVALID" });
  expect(seen.paths).toEqual([V2_PATHS.start, V2_PATHS.confirm]);
  expect(seen.upgrades).toBe(0);
});

it("a grant without a gateway identity, or a box that does not open: PROTOCOL_ERROR, no connect", async () => {
  const grant = () => ({ codeId: "c", nonce: "n", bootstrapToken: "b".repeat(40), scopes: [], expiresAtMs: 1 });
  const first = await fakeImpostor({ knowsCode: CODE.replace("-", ""), grant });
  await expect(pair(first.url)).rejects.toMatchObject({ code: "PROTOCOL_ERROR" });
  expect(first.seen.upgrades).toBe(0);
  server?.close();
  const second = await fakeImpostor({ knowsCode: CODE.replace("-", ""), sealed: "AAAA" });
  await expect(pair(second.url)).rejects.toMatchObject({ code: "PROTOCOL_ERROR" });
  expect(second.seen.upgrades).toBe(0);
});
