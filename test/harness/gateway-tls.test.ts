// The harness can start the real gateway serving wss:// with its own auto-generated certificate; the pin of
// that certificate is readable from the state dir, and the pinned connector reaches the gateway with it.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestJsonOverTls } from "../../src/core/pinned-tls.node.ts";
import { spkiPinOfPem } from "../../src/core/tls-pin.node.ts";
import { startGateway, type Gateway } from "./gateway.ts";
import { startTlsMitm } from "./tls-mitm.ts";
import { waitFor } from "./wait.ts";

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({ tls: true });
});
afterAll(async () => {
  await gateway?.dispose();
});

describe("gateway with its own TLS certificate (real gateway)", () => {
  it("serves wss:// and https://, and the admin helper connects to it", async () => {
    expect(gateway.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/);
    expect(gateway.httpUrl).toMatch(/^https:\/\//);
    const health = await gateway.call("health");
    expect(health).toBeTruthy();
  });

  it("the served certificate's SPKI pin is the one in <state dir>/gateway/tls/gateway-cert.pem", async () => {
    const pin = spkiPinOfPem(readFileSync(gateway.tlsCertPath!, "utf8"));
    expect(gateway.tlsCertPath).toBe(`${gateway.stateDir}/gateway/tls/gateway-cert.pem`);
    const response = await requestJsonOverTls(`${gateway.httpUrl}/ocmap-pairing/v2/identity`, {
      kind: "pinned",
      tlsPin: pin,
    });
    expect(response.tlsPin).toBe(pin);
    expect(response.status).toBeGreaterThanOrEqual(200); // any HTTP answer: the route is phase 2's
  });

  it("without a pin, Node's CA store refuses the self-signed certificate", async () => {
    await expect(requestJsonOverTls(`${gateway.httpUrl}/`, { kind: "ca" })).rejects.toMatchObject({
      code: "GATEWAY_TLS_UNTRUSTED",
    });
  });

  it("a TLS man in the middle in front of the gateway gets no byte from a pinned client", async () => {
    const pin = spkiPinOfPem(readFileSync(gateway.tlsCertPath!, "utf8"));
    const mitm = await startTlsMitm(gateway.port);
    try {
      const error = await requestJsonOverTls(
        `https://127.0.0.1:${mitm.port}/ocmap-pairing/v2/confirm`,
        { kind: "pinned", tlsPin: pin },
        { body: { sessionId: "s", confirm: "c" } },
      ).catch((caught) => caught);
      expect(error).toMatchObject({ code: "GATEWAY_IDENTITY_CHANGED" });
      await waitFor(() => mitm.closed() === 1, "the MITM's client connection to close");
      expect(mitm.fromClient().length).toBe(0);
      // And the same proxy does relay to the gateway when the client does not check (capture mode):
      const relayed = await requestJsonOverTls(`https://127.0.0.1:${mitm.port}/ocmap-pairing/v2/identity`, {
        kind: "capture",
      });
      expect(relayed.tlsPin).not.toBe(pin);
      expect(mitm.fromClient().toString()).toContain("GET /ocmap-pairing/v2/identity");
    } finally {
      await mitm.close();
    }
  });
});
