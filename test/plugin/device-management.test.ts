// The operator's side over time, on the wire against the real gateway: the gateway's own rename and device
// facts in pairing.list, an access change in both directions (a lower access at once with trust kept, a
// higher one at the device's next connection through the gateway's own live upgrade) and expiry of devices
// that went quiet. One gateway for the file; expiry is configured in seconds so nothing waits days.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVICE_STATUS_PATH, deviceStatusSignaturePayload } from "@ocmap/protocol/pairing-v2";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { waitFor } from "../harness/wait.ts";
import { signWith, wireConnect, type WireDevice } from "../harness/wire-client.ts";
import { pairNewDevice, post, storedTokenRefusal } from "../harness/wire-pairing.ts";

const EXPIRE_AFTER_S = 12;
const WRITE_METHOD = "doctor.memory.backfillDreamDiary"; // an operator.write method: refused by scope first
let gateway: Gateway;

const list = () => gateway.call("pairing.list", {});
const listed = async (deviceId: string) => (await list()).devices.find((d: any) => d.deviceId === deviceId);

function deviceStatus(device: WireDevice) {
  const signedAt = Date.now();
  const signature = signWith(
    device,
    deviceStatusSignaturePayload({ id: device.id, publicKey: device.publicKey, signedAt }),
  );
  return post(gateway, DEVICE_STATUS_PATH, {
    device: { id: device.id, publicKey: device.publicKey, signature, signedAt },
  });
}

const connectWith = (device: WireDevice, deviceToken: string, scopes: string[]) =>
  wireConnect({ url: gateway.url, device, auth: { deviceToken }, scopes, displayName: "OCMAP on test" });

beforeAll(async () => {
  gateway = await startGateway({ pluginConfig: { expireAfterSeconds: EXPIRE_AFTER_S } });
});
afterAll(async () => {
  await gateway?.dispose();
});

describe("the device list", () => {
  it("shows the gateway's facts and renames through the gateway's own device.pair.rename", async () => {
    const paired = await pairNewDevice(gateway, "standard");
    // The gateway records the address at a device-token connect (the pairing itself was a bootstrap connect).
    paired.session.close();
    const again = await connectWith(paired.device, paired.deviceToken, paired.scopes);
    if (!again.ok) throw new Error("reconnect refused");
    const before = await listed(paired.device.id);
    expect(before).toMatchObject({
      codeId: paired.codeId,
      clientId: "gateway-client",
      clientMode: "ui",
      connected: true,
      access: "standard",
    });
    expect(before.remoteAddress).toBe("loopback"); // the gateway records no address for its own host's connects
    expect(before.lastSeenAtMs).toBeGreaterThanOrEqual(before.pairedAtMs);
    expect(before.expiresAtMs - before.pairedAtMs).toBeGreaterThanOrEqual(EXPIRE_AFTER_S * 1000);
    await gateway.call("device.pair.rename", { deviceId: paired.device.id, label: "Front desk laptop" });
    expect((await listed(paired.device.id)).label).toBe("Front desk laptop");
    const record = JSON.parse((await gateway.cli(["devices", "list", "--json"])).stdout).paired.find(
      (d: any) => d.deviceId === paired.device.id,
    );
    expect(record.operatorLabel).toBe("Front desk laptop");
    again.session.close();
  }, 60_000);
});

describe("changing access", () => {
  it("a lower access takes effect at once: the open session closes, the device is back narrower, trusted", async () => {
    const paired = await pairNewDevice(gateway, "standard");
    expect(paired.scopes).toEqual(["operator.read", "operator.write"]);
    const changed = await gateway.call("pairing.setAccess", { deviceId: paired.device.id, access: "read-only" });
    expect(changed).toMatchObject({ access: "read-only", effective: "now" });
    // The open session does not keep the removed scope: the gateway closed it.
    const closed = await paired.session.closed;
    expect(closed.code).toBe(4001);
    await expect(paired.session.request("health", {})).rejects.toThrow(/closed 4001/);
    // The old token is gone; the plugin hands the device the narrower one the gateway minted, once.
    expect(await storedTokenRefusal(gateway, paired)).toBe("AUTH_DEVICE_TOKEN_MISMATCH");
    const status = await deviceStatus(paired.device);
    expect(status.body).toMatchObject({ ok: true, status: "active", access: "read-only", scopes: ["operator.read"] });
    expect(typeof status.body.deviceToken).toBe("string");
    const back = await connectWith(paired.device, status.body.deviceToken, ["operator.read"]);
    if (!back.ok) throw new Error(`reconnect refused: ${JSON.stringify(back.error)}`);
    expect((back.hello as any).auth.scopes).toEqual(["operator.read"]);
    expect((await back.session.request("health", {})).ok).toBe(true);
    const write = await back.session.request(WRITE_METHOD, {});
    expect(write.ok).toBe(false);
    expect(JSON.stringify(write.error)).toMatch(/scope/i);
    // Used once: never handed out again.
    expect((await deviceStatus(paired.device)).body.deviceToken).toBeUndefined();
    const audit = (await list()).events.find((e: any) => e.type === "device.access-changed");
    expect(audit).toMatchObject({ deviceId: paired.device.id, reason: "standard → read-only (at once)" });
    back.session.close();
  }, 60_000);

  it("a higher access waits for the device's next connection and goes through the gateway's live upgrade", async () => {
    const paired = await pairNewDevice(gateway, "read-only");
    const changed = await gateway.call("pairing.setAccess", { deviceId: paired.device.id, access: "standard" });
    expect(changed).toMatchObject({ access: "standard", effective: "next-connection" });
    // Nothing changed on the gateway yet: the open session keeps its scopes and stays open.
    expect((await paired.session.request("health", {})).ok).toBe(true);
    expect((await listed(paired.device.id)).pendingAccess).toBe("standard");
    paired.session.close();

    const next = await connectWith(paired.device, paired.deviceToken, ["operator.read"]);
    if (!next.ok) throw new Error("reconnect refused");
    const own = await next.session.request("pairing.deviceAccess", {});
    expect(own.payload).toMatchObject({ access: "read-only", pendingAccess: "standard" });
    const asked = await next.session.request("device.scopes.requestUpgrade", { scopes: own.payload.pendingScopes });
    expect(asked.ok).toBe(true);
    const accepted = await next.session.request("pairing.acceptUpgrade", { requestId: asked.payload.requestId });
    expect(accepted.payload).toMatchObject({ access: "standard" });
    const waited = await next.session.request("device.scopes.waitUpgrade", { requestId: asked.payload.requestId });
    expect(waited.payload).toMatchObject({ status: "approved" });
    next.session.close();
    const wider = await connectWith(paired.device, waited.payload.deviceToken, ["operator.read", "operator.write"]);
    if (!wider.ok) throw new Error(`wider connect refused: ${JSON.stringify(wider.error)}`);
    expect((wider.hello as any).auth.scopes).toEqual(["operator.read", "operator.write"]);
    expect(await listed(paired.device.id)).toMatchObject({ access: "standard" });
    expect((await listed(paired.device.id)).pendingAccess).toBeUndefined();
    wider.session.close();
  }, 60_000);
});

describe("devices that went quiet", () => {
  it("a device not seen for the configured time is removed through the gateway, audited, and told why", async () => {
    const paired = await pairNewDevice(gateway, "standard");
    paired.session.close();
    const expired = await waitFor(
      async () => ((await listed(paired.device.id))?.revokedAtMs ? listed(paired.device.id) : undefined),
      "the quiet device expired",
      60_000,
      250,
    ).catch((err) => {
      throw new Error(
        `${err}\n${gateway
          .logs()
          .split("\n")
          .filter((l) => /ocmap/.test(l))
          .slice(-20)
          .join("\n")}`,
      );
    });
    expect(expired.revokedBy).toBe("expired");
    const audit = (await list()).events.find(
      (e: any) => e.type === "device.expired" && e.deviceId === paired.device.id,
    );
    expect(audit.reason).toMatch(/not seen by the gateway for more than 12 seconds/);
    const gatewayList = JSON.parse((await gateway.cli(["devices", "list", "--json"])).stdout).paired;
    expect(gatewayList.some((d: any) => d.deviceId === paired.device.id)).toBe(false);
    expect(await storedTokenRefusal(gateway, paired)).toMatch(/AUTH_DEVICE_TOKEN_MISMATCH|NOT_PAIRED|PAIRING_REQUIRED/);
    expect((await deviceStatus(paired.device)).body).toMatchObject({ status: "expired" });
    // Survives a restart: still expired, still audited once.
    await gateway.restart();
    expect((await listed(paired.device.id)).revokedBy).toBe("expired");
  }, 300_000);
});
