// Certificate renewal decided by the pinned gateway identity key, against local HTTPS servers that serve an
// identity statement (stand-ins for the plugin's /v2/identity, which phase 2 adds).
import https from "node:https";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createGatewayIdentityKey, signPinStatement, type GatewayIdentityKey } from "@ocmap/protocol/gateway-identity";
import { resolveGatewayPin } from "../../src/core/gateway-trust.node.ts";
import { spkiPinOfPem } from "../../src/core/tls-pin.node.ts";
import { makeSelfSignedCertificate } from "../harness/tls-certs.ts";

const servers: https.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** An HTTPS server with a fresh certificate whose /v2/identity is signed by `signer` (or answers 404). */
async function serve(signer: GatewayIdentityKey | undefined, signedPin?: string) {
  const certificate = makeSelfSignedCertificate();
  const tlsPin = spkiPinOfPem(certificate.cert);
  const server = https.createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    const found = signer && req.url === "/ocmap-pairing/v2/identity";
    res.writeHead(found ? 200 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify(found ? { ok: true, ...signPinStatement(signer, signedPin ?? tlsPin) } : { ok: false }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, tlsPin };
}

describe("resolveGatewayPin (local HTTPS stand-in, unit test)", () => {
  const identity = createGatewayIdentityKey();

  it("the stored pin still matches: used as is", async () => {
    const gateway = await serve(identity);
    const decision = await resolveGatewayPin(gateway.url, {
      identityPublicKey: identity.publicKey,
      tlsPin: gateway.tlsPin,
    });
    expect(decision).toEqual({ tlsPin: gateway.tlsPin, renewed: false });
  });

  it("a new certificate signed by the pinned identity key: accepted as a renewal", async () => {
    const oldPin = (await serve(identity)).tlsPin;
    const renewed = await serve(identity);
    const decision = await resolveGatewayPin(renewed.url, { identityPublicKey: identity.publicKey, tlsPin: oldPin });
    expect(decision).toEqual({ tlsPin: renewed.tlsPin, renewed: true });
  });

  it("a new certificate signed by another key, or with no statement: GATEWAY_IDENTITY_CHANGED", async () => {
    const oldPin = (await serve(identity)).tlsPin;
    // Another key; no statement; a genuine statement replayed (signed by the pinned key, for the old pin).
    const impostors = [await serve(createGatewayIdentityKey()), await serve(undefined), await serve(identity, oldPin)];
    for (const impostor of impostors) {
      await expect(
        resolveGatewayPin(impostor.url, { identityPublicKey: identity.publicKey, tlsPin: oldPin }),
      ).rejects.toMatchObject({ code: "GATEWAY_IDENTITY_CHANGED", observedPin: impostor.tlsPin });
    }
  });
});
