// pairing.forgetSelf and /v2/abandon on a gateway serving its own TLS with each kind of certificate operators
// use: P-256, P-384 and Ed25519 keys (certbot issues ECDSA by default), and CA-issued leaves served alone,
// with their chain in certPath, or with the CA in caPath. The plugin's loopback admin session must reach its
// own gateway through each of them (before, an EC key crashed the gateway process and a CA-issued leaf
// answered FORGET_UNAVAILABLE). One real gateway, started with a caPath: the certificate, key and CA files
// are replaced in place (the gateway renews its listeners by itself), and each case checks which chain is
// served.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { connect, type DetailedPeerCertificate } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { makeSelfSignedCertificate, makeTestCa, spkiPin, type TestCertificate } from "../harness/tls-certs.ts";
import { waitFor } from "../harness/wait.ts";
import { abandon, pairNewDevice, post, storedTokenRefusal } from "../harness/wire-pairing.ts";

const dir = mkdtempSync(join(tmpdir(), "ocmap-cert-kinds-"));
const files = { certPath: join(dir, "cert.pem"), keyPath: join(dir, "key.pem"), caPath: join(dir, "ca.pem") };
const ca = makeTestCa("p256");
const otherCa = makeTestCa("rsa", "Unrelated CA");
let gateway: Gateway;

/** Replaces a file in one step, so the gateway never reads half of it. */
function replace(path: string, text: string) {
  writeFileSync(`${path}.next`, text);
  renameSync(`${path}.next`, path);
}

/** Serves `served` (the certPath text) with `key` and `caText` in caPath; waits until a handshake shows the leaf. */
async function serve(material: TestCertificate, served = material.cert, caText = otherCa.cert) {
  replace(files.caPath, caText);
  replace(files.keyPath, material.key);
  replace(files.certPath, served);
  const pin = spkiPin(material.cert);
  const identity = () => post(gateway, "/ocmap-pairing/v2/identity", null, { method: "GET", raw: "" });
  await waitFor(async () => (await identity()).peerPin === pin, "the gateway to serve the new certificate");
}

/** How many certificates the gateway sends in its handshake (the leaf, then its chain). */
function servedChainLength(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: gateway.port, rejectUnauthorized: false }, () => {
      let length = 0;
      const seen = new Set<string>();
      for (let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true); cert?.raw;) {
        if (seen.has(cert.fingerprint256)) break; // a root points at itself
        seen.add(cert.fingerprint256);
        length += 1;
        cert = cert.issuerCertificate;
      }
      socket.destroy();
      resolve(length);
    });
    socket.once("error", reject);
  });
}

async function expectForgetAndAbandonWork() {
  const forgetting = await pairNewDevice(gateway, "read-only");
  const res = await forgetting.session.request("pairing.forgetSelf", {});
  expect(res).toMatchObject({ ok: true, payload: { deviceId: forgetting.device.id } });
  expect((await forgetting.session.closed).code).toBe(4001);
  expect(await storedTokenRefusal(gateway, forgetting)).toBe("AUTH_DEVICE_TOKEN_MISMATCH");

  const abandoning = await pairNewDevice(gateway);
  abandoning.session.close();
  expect(await abandon(gateway, abandoning.granted)).toMatchObject({ status: 200, body: { ok: true } });
  expect(await storedTokenRefusal(gateway, abandoning)).toBe("AUTH_DEVICE_TOKEN_MISMATCH");

  const list = await waitFor(async () => {
    const current = await gateway.call("pairing.list", {});
    return current.devices.find((d: any) => d.deviceId === forgetting.device.id)?.revokedBy === "self" && current;
  }, "the forgetting device listed as forgotten");
  expect(list.devices.map((d: any) => d.deviceId)).not.toContain(abandoning.device.id);
  expect(gateway.logs()).not.toMatch(/uncaught|unhandled/i);
}

beforeAll(async () => {
  const first = makeSelfSignedCertificate("localhost", "p256");
  writeFileSync(files.certPath, first.cert);
  writeFileSync(files.keyPath, first.key);
  writeFileSync(files.caPath, otherCa.cert);
  gateway = await startGateway({ tls: files });
}, 180_000);
afterAll(async () => {
  await gateway?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

it("self-signed P-256 (an EC key: the gateway used to exit)", async () => {
  await expectForgetAndAbandonWork();
});

it("self-signed P-384", async () => {
  await serve(makeSelfSignedCertificate("localhost", "p384"));
  await expectForgetAndAbandonWork();
});

it("self-signed Ed25519", async () => {
  await serve(makeSelfSignedCertificate("localhost", "ed25519"));
  await expectForgetAndAbandonWork();
});

it("a CA-issued RSA leaf served alone, its CA configured nowhere", async () => {
  await serve(ca.issue("rsa"));
  expect(await servedChainLength()).toBe(1);
  await expectForgetAndAbandonWork();
});

it("a CA-issued P-384 leaf with its chain in certPath", async () => {
  const leaf = ca.issue("p384");
  await serve(leaf, leaf.cert + ca.cert);
  expect(await servedChainLength()).toBe(2);
  await expectForgetAndAbandonWork();
});

it("a CA-issued P-256 leaf in certPath with the CA in caPath", async () => {
  const leaf = ca.issue("p256");
  await serve(leaf, leaf.cert, ca.cert);
  expect(await servedChainLength()).toBe(2);
  await expectForgetAndAbandonWork();
});
