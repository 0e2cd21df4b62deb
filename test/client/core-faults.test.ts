// The client core in-process (as Electron's main process runs it) against the real gateway and
// keychain: a gateway dying mid-pairing, and a scan of every view the core emits for secrets.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCore } from "../../src/core/core.node.ts";
import type { CoreView } from "../../src/core/core-view.std.ts";
import { Keystore } from "../../src/core/keystore.node.ts";
import { newKeychainService } from "../harness/cli.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { waitFor } from "../harness/wait.ts";

let gateway: Gateway;
const views: CoreView[] = [];
const secrets = new Set<string>();

beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.dispose();
});

async function codeFor(access = "standard") {
  const created = await gateway.call("pairing.createCode", { access });
  secrets.add(created.code).add(created.code.replace("-", "")); // v2: the bootstrap token and nonce travel sealed
  return created;
}

function coreWith(service: string) {
  const keystore = new Keystore({ service });
  const core = createCore({ keystore, timeoutMs: 5_000 });
  core.subscribe((v) => views.push(v));
  return { core, keystore };
}

it("a gateway killed mid-pairing leaves UNPAIRED with a retryable error and nothing half-written", async () => {
  const created = await codeFor();
  const { core, keystore } = coreWith(newKeychainService());
  core.start();
  await core.waitFor((v) => v.state === "UNPAIRED" && v.activity === "idle");
  // Freeze the gateway the moment the code is redeemed, before the bootstrap connect; then kill it.
  const off = core.subscribe((v) => v.pairingStep === "requesting-approval" && gateway.signal("SIGSTOP"));
  core.pair(gateway.url, created.code);
  await core.waitFor((v) => v.pairingStep === "requesting-approval");
  off();
  await gateway.kill();
  const end = await core.waitFor((v) => v.state !== "PAIRING_IN_PROGRESS", 30_000);
  expect(end.state).toBe("UNPAIRED");
  expect(end.lastError).toMatchObject({ retryable: true });
  expect(["GATEWAY_UNREACHABLE", "CONNECTION_LOST", "TIMEOUT"]).toContain(end.lastError!.code);
  expect(await keystore.loadTrust()).toBeNull();
  expect(await keystore.loadIdentity()).toBeNull();

  // Retrying once the gateway is back pairs with the very same code.
  await gateway.start();
  core.pair(gateway.url, created.code);
  const ok = await core.waitFor((v) => v.state !== "PAIRING_IN_PROGRESS", 30_000);
  expect(ok.state).toBe("PAIRED_CONNECTED");
  const trust = await keystore.loadTrust();
  secrets.add(trust!.deviceToken).add((await keystore.loadIdentity())!.privateKey);
  core.forget();
  await core.waitFor((v) => v.state === "UNPAIRED" && v.activity === "idle");
  core.stop();
});

it("pair → revoke → pair again makes a new identity; no view ever holds a secret", async () => {
  const { core, keystore } = coreWith(newKeychainService());
  core.start();
  await core.waitFor((v) => v.activity === "idle");
  core.pair(gateway.url, (await codeFor()).code);
  const first = await core.waitFor((v) => v.state === "PAIRED_CONNECTED");
  const t1 = (await keystore.loadTrust())!;
  const id1 = (await keystore.loadIdentity())!;
  secrets.add(t1.deviceToken).add(id1.privateKey);
  expect(first.device?.id).toBe(id1.deviceId);

  await gateway.call("pairing.revokeDevice", { deviceId: id1.deviceId });
  const revoked = await core.waitFor((v) => v.state === "REVOKED");
  expect(revoked.reason.code).toBe("REVOKED");
  await waitFor(
    async () => (await keystore.loadTrust()) === null && (await keystore.loadIdentity()) === null,
    "the keychain wipe on REVOKED",
  );

  core.pair(gateway.url, (await codeFor("read-only")).code);
  const again = await core.waitFor((v) => v.state === "PAIRED_CONNECTED");
  const id2 = (await keystore.loadIdentity())!;
  secrets.add((await keystore.loadTrust())!.deviceToken).add(id2.privateKey);
  expect(id2.deviceId).not.toBe(id1.deviceId);
  expect(again.scopes).toEqual(["operator.read"]);
  core.stop();

  expect(views.length).toBeGreaterThan(10);
  const text = JSON.stringify(views);
  for (const secret of secrets) expect(text.includes(secret), "a view contains a secret").toBe(false);
  // Key bytes in any encoding a slip could produce.
  for (const deviceId of [id1, id2]) {
    const raw = Buffer.from(deviceId.privateKey, "base64url");
    for (const enc of ["hex", "base64", "base64url"] as const) expect(text.includes(raw.toString(enc))).toBe(false);
  }
});
