// Certificate renewal decided by the pinned gateway identity key and the serial rules, against local HTTPS
// servers that serve an identity statement (stand-ins for the plugin's /v2/identity; unit test). The real
// gateway's renewals, rollbacks and retirements are in test/client/pin-rollback.test.ts.
import https from "node:https";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  createGatewayIdentityKey,
  signPinStatement,
  type GatewayIdentityKey,
  type PinStatement,
} from "@ocmap/protocol/gateway-identity";
import { renewGatewayPin, upgradeGatewayPin } from "../../src/core/gateway-trust.node.ts";
import { spkiPinOfPem } from "../../src/core/tls-pin.node.ts";
import type { PinnedIdentity } from "../../src/core/trust-record.std.ts";
import { makeSelfSignedCertificate } from "../harness/tls-certs.ts";

const servers: https.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const DAY = 86_400_000;
const window = { notBeforeMs: Date.now() - DAY, notAfterMs: Date.now() + DAY };

/** An HTTPS server with a fresh certificate whose /v2/identity answers `statement(pin)` (or 404). */
async function serve(statement?: (tlsPin: string) => object) {
  const certificate = makeSelfSignedCertificate();
  const tlsPin = spkiPinOfPem(certificate.cert);
  const server = https.createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    const found = statement && req.url === "/ocmap-pairing/v2/identity";
    res.writeHead(found ? 200 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify(found ? { ok: true, ...statement(tlsPin) } : { ok: false }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, tlsPin };
}

const signed =
  (key: GatewayIdentityKey, serial: number, extra: Partial<PinStatement> = {}) =>
  (tlsPin: string) =>
    signPinStatement(key, { tlsPin, serial, issuedAtMs: Date.now(), ...window, minSerial: 1, ...extra });

describe("renewGatewayPin and upgradeGatewayPin (local HTTPS stand-in, unit test)", () => {
  const identity = createGatewayIdentityKey();
  const pinnedAt = (tlsPin: string, serial: number, minSerial = 1): PinnedIdentity => ({
    publicKey: identity.publicKey,
    tlsPin,
    serial,
    minSerial,
    ...window,
  });

  it("a new certificate under a higher serial, signed by the pinned key: accepted with serial and floor", async () => {
    const renewed = await serve(signed(identity, 4, { minSerial: 4 }));
    const old = await serve();
    expect(await renewGatewayPin(renewed.url, pinnedAt(old.tlsPin, 3))).toEqual({
      ...pinnedAt(renewed.tlsPin, 4, 4),
    });
  });

  it("a lower serial, a retired one, a reused serial, another key: GATEWAY_IDENTITY_CHANGED", async () => {
    const pinned = pinnedAt((await serve()).tlsPin, 5, 4);
    const impostors = [
      await serve(signed(identity, 4)), // an older certificate's genuine statement: a rollback
      await serve(signed(identity, 3)), // below the retirement floor
      await serve(signed(identity, 5)), // serial 5 is another certificate's
      await serve(signed(createGatewayIdentityKey(), 9)),
      await serve(),
    ];
    for (const impostor of impostors) {
      await expect(renewGatewayPin(impostor.url, pinned)).rejects.toMatchObject({
        code: "GATEWAY_IDENTITY_CHANGED",
        observedPin: impostor.tlsPin,
      });
    }
  });

  it("a statement whose window is over: GATEWAY_CERT_EXPIRED", async () => {
    const expired = await serve(signed(identity, 6, { notBeforeMs: 0, notAfterMs: Date.now() - DAY }));
    await expect(renewGatewayPin(expired.url, pinnedAt((await serve()).tlsPin, 5))).rejects.toMatchObject({
      code: "GATEWAY_CERT_EXPIRED",
    });
  });

  it("a pin from before serials gains the serial of the statement for that very certificate", async () => {
    const gateway = await serve(signed(identity, 2));
    const before = { publicKey: identity.publicKey, tlsPin: gateway.tlsPin };
    expect(await upgradeGatewayPin(gateway.url, before)).toEqual(pinnedAt(gateway.tlsPin, 2));
    const oldPlugin = await serve(() => ({ publicKey: identity.publicKey, tlsPin: "x", signature: "y" }));
    expect(await upgradeGatewayPin(oldPlugin.url, { ...before, tlsPin: oldPlugin.tlsPin })).toBeUndefined();
  });
});
