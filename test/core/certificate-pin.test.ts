// The pinned connector's `certificate` trust (a gateway setup code's tlsFingerprint: SHA-256 of the whole
// certificate) against a local HTTPS server standing in for the gateway; the real gateway is in
// test/client/stock-gateway-tls.test.ts.
import { X509Certificate } from "node:crypto";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestJsonOverTls, type TlsConnectError } from "../../src/core/pinned-tls.node.ts";
import { normalizeTlsFingerprint } from "../../src/core/setup-code.std.ts";
import { makeSelfSignedCertificate } from "../harness/tls-certs.ts";

const served = makeSelfSignedCertificate("gateway");
const renewedSameKey = makeSelfSignedCertificate("other");
const sha256 = (pem: string) => normalizeTlsFingerprint(new X509Certificate(pem).fingerprint256)!;
let server: https.Server;
let url = "";
const requestsSeen: string[] = [];

beforeAll(async () => {
  server = https.createServer({ key: served.key, cert: served.cert }, (req, res) => {
    requestsSeen.push(`${req.method} ${req.url}`);
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/probe`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe("certificate trust: the whole certificate's SHA-256 (local TLS server, not the gateway)", () => {
  it("the served certificate's fingerprint: the request goes through, self-signed and all", async () => {
    const answer = await requestJsonOverTls(url, { kind: "certificate", sha256: sha256(served.cert) });
    expect(answer).toMatchObject({ status: 200, body: { ok: true } });
    expect(requestsSeen).toEqual(["GET /probe"]);
  });

  it("another certificate's fingerprint: GATEWAY_IDENTITY_CHANGED before any byte is written", async () => {
    const refused = await requestJsonOverTls(url, { kind: "certificate", sha256: sha256(renewedSameKey.cert) }).then(
      () => null,
      (error: TlsConnectError) => error,
    );
    expect(refused?.code).toBe("GATEWAY_IDENTITY_CHANGED");
    expect(requestsSeen).toEqual(["GET /probe"]); // nothing more reached the server
  });
});
