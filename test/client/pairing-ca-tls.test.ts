// A gateway behind a TLS-terminating reverse proxy whose certificate the system trusts (here: added with
// NODE_EXTRA_CA_CERTS, as an enterprise CA would be): the `ocmap` CLI pairs with ordinary CA verification,
// pins no certificate (the plugin does not terminate TLS, so the grant has no tlsPin) and reconnects the same
// way. The same proxy without that trust is refused: its certificate is untrusted and the PAKE vouches for no
// pin (GATEWAY_TLS_UNTRUSTED), before any connect. Real gateway, plugin and keychain.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, expect, it } from "vitest";
import { newKeychainService, runCli } from "../harness/cli.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { gatewayKeys } from "../harness/gateway-keys.ts";
import { makeSelfSignedCertificate } from "../harness/tls-certs.ts";

let gateway: Gateway;
let proxy: tls.Server;
let proxyUrl: string;
let dir: string;
let caFile: string;
let fromClients = ""; // what the proxy decrypted from clients

beforeAll(async () => {
  gateway = await startGateway();
  const certificate = makeSelfSignedCertificate("localhost");
  dir = mkdtempSync(join(tmpdir(), "ocmap-ca-"));
  caFile = join(dir, "ca.pem");
  writeFileSync(caFile, certificate.cert);
  proxy = tls.createServer(certificate, (client) => {
    const upstream = net.connect(gateway.port, "127.0.0.1");
    client.on("data", (chunk: Buffer) => (fromClients += chunk.toString("latin1")));
    client.pipe(upstream).pipe(client);
    const end = () => (client.destroy(), upstream.destroy());
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `wss://localhost:${(proxy.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  proxy?.close();
  await gateway?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("pairs and reconnects with CA verification through a trusted reverse proxy; no pin is stored", async () => {
  const { code, gatewayFingerprint } = await gateway.call("pairing.createCode", {});
  const service = newKeychainService();
  const env = { NODE_EXTRA_CA_CERTS: caFile };
  const paired = await runCli(service, ["pair", proxyUrl, code, "--json"], { env });
  expect(paired.code, paired.stdout + paired.stderr).toBe(0);
  const trust = (await (await gatewayKeys(service)).loadTrust())!;
  expect(trust.gatewayUrl).toBe(proxyUrl);
  expect(trust.gatewayIdentity!.tlsPin).toBeUndefined();
  const status = await runCli(service, ["status", "--json"], { env });
  expect(status.code, status.stdout + status.stderr).toBe(0);
  expect(status.lines.at(-1)).toMatchObject({
    state: "PAIRED_CONNECTED",
    gateway: { fingerprint: gatewayFingerprint },
  });
});

it("without that trust, the proxy's certificate is refused (GATEWAY_TLS_UNTRUSTED) before any connect", async () => {
  const { code, codeId } = await gateway.call("pairing.createCode", {});
  const service = newKeychainService();
  fromClients = "";
  const refused = await runCli(service, ["pair", proxyUrl, code, "--json"]);
  expect(refused.code).toBe(9);
  expect(refused.lines.at(-1)).toMatchObject({ type: "error", code: "GATEWAY_TLS_UNTRUSTED" });
  expect(await (await gatewayKeys(service)).loadTrust()).toBeNull();
  const list = await gateway.call("pairing.list", {});
  expect(list.codes.find((c: any) => c.codeId === codeId).status).toBe("active");
  expect(fromClients).toContain("POST /ocmap-pairing/v2/confirm"); // the PAKE ran (nothing secret in it)...
  expect(fromClients).not.toMatch(/Upgrade: websocket/i); // ...but no connect, so no bootstrap token was sent
});
