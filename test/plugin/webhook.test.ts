// Device events and the signed webhook against a real gateway, with a webhook receiver on loopback (node:http in
// this process): delivered and verified with the documented recipe, retried after a receiver failure with the
// same event id, never holding up a pairing, the failure shown in pairing.list (what Clawpodz's card reads),
// guessing told once while it lasts, and the audit export. One gateway for the file.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVICE_EVENT } from "@ocmap/protocol/device-events";
import { clientPake } from "@ocmap/protocol/pairing-v2";
import { newKeychainService, runCli } from "../harness/cli.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { gatewayKeys } from "../harness/gateway-keys.ts";
import { waitFor } from "../harness/wait.ts";
import { pairNewDevice, post, unusedDiscriminator, type Paired } from "../harness/wire-pairing.ts";
import { documentedVerifier, startReceiver, type Verify } from "./webhook-receiver.ts";

const SECRET = "whsec-test-0123456789abcdef";
/** A secret of the receiver's in the URL's path and query: never in a log, the list or the state. */
const PATH_SECRET = "receiver-path-secret-4d2f";

let gateway: Gateway;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let verify: Verify;
const paired: Paired[] = [];

beforeAll(async () => {
  verify = await documentedVerifier();
  receiver = await startReceiver();
  const url = `http://127.0.0.1:${receiver.port}/hooks/${PATH_SECRET}?k=${PATH_SECRET}`;
  gateway = await startGateway({ pluginConfig: { maxFailuresGlobal: 3, webhook: { url, secret: SECRET } } });
});
afterAll(async () => {
  for (const device of paired) device.session.close();
  await gateway?.dispose();
  await receiver?.close();
});

const webhookStatus = async () => (await gateway.call("pairing.list", {})).webhook;
const deliveredFor = (kind: string, deviceId: string) =>
  receiver.eventsWhere((event) => event.kind === kind && event.deviceId === deviceId);

describe("device events and the signed webhook", () => {
  it("tells operator connections and the webhook about a pairing; the documented recipe verifies it", async () => {
    const operator = await gateway.admin();
    const live = operator.waitForEvent(DEVICE_EVENT, 30_000);
    const device = await pairNewDevice(gateway, "standard");
    paired.push(device);
    const event = (await live) as Record<string, unknown>;
    expect(event).toEqual({
      kind: "paired",
      deviceId: device.device.id,
      displayName: "OCMAP on test",
      atMs: expect.any(Number),
    });
    operator.close();

    const [delivery] = await waitFor(() => {
      const found = deliveredFor("paired", device.device.id);
      return found.length ? found : undefined;
    }, "the webhook delivery of the pairing");
    expect(delivery!.path).toBe(`/hooks/${PATH_SECRET}?k=${PATH_SECRET}`);
    expect(delivery!.headers["content-type"]).toBe("application/json");
    const body = verify(SECRET, delivery!.headers, delivery!.body);
    expect(body).toEqual({
      id: delivery!.headers["x-ocmap-event-id"],
      kind: "paired",
      atMs: event.atMs,
      deviceId: device.device.id,
      fingerprint: expect.stringMatching(/^[0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4}$/),
      displayName: "OCMAP on test",
    });
    // The recipe refuses what it must: another secret, a changed body, an old timestamp.
    expect(() => verify("another-secret-0123456789", delivery!.headers, delivery!.body)).toThrow("bad signature");
    const changed = Buffer.from(delivery!.body.toString("utf8").replace('"paired"', '"revoked"'));
    expect(() => verify(SECRET, delivery!.headers, changed)).toThrow("bad signature");
    expect(() => verify(SECRET, delivery!.headers, delivery!.body, Date.now() + 10 * 60_000)).toThrow("stale");
    expect(() => verify(SECRET, {}, delivery!.body)).toThrow("unsigned");
    const status = await webhookStatus();
    expect(status).toMatchObject({ origin: `http://127.0.0.1:${receiver.port}`, queued: 0, dropped: 0 });
    expect(status.lastDeliveredAtMs).toBeGreaterThanOrEqual(delivery!.receivedAtMs - 5_000);
    expect(status).not.toHaveProperty("lastError");
  });

  it("retries after receiver failures with the same event id, and the list shows the failure meanwhile", async () => {
    const device = paired[0]!;
    receiver.setMode({ kind: "fail", failures: 3 });
    const reason = '=HYPERLINK("http://evil.example/","click")';
    await gateway.call("pairing.revokeDevice", { deviceId: device.device.id, reason });
    const failing = await waitFor(async () => {
      const status = await webhookStatus();
      return status?.lastError ? status : undefined;
    }, "pairing.list's webhook to show the failure");
    expect(failing).toMatchObject({ lastError: "HTTP 500", queued: 1, lastErrorAtMs: expect.any(Number) });
    const attempts = await waitFor(() => {
      const found = deliveredFor("revoked", device.device.id);
      return found.at(-1)?.status === 204 ? found : undefined;
    }, "the revocation delivered after three failures");
    expect(attempts.map((attempt) => attempt.status)).toEqual([500, 500, 500, 204]);
    const ids = new Set(attempts.map((attempt) => attempt.headers["x-ocmap-event-id"]));
    expect(ids.size).toBe(1);
    for (const attempt of attempts) expect(verify(SECRET, attempt.headers, attempt.body).detail).toBe(reason);
    // Backoff: 1 s, then 2 s, then 4 s between attempts (less a little for the clocks' granularity).
    const gaps = attempts.slice(1).map((attempt, index) => attempt.receivedAtMs - attempts[index]!.receivedAtMs);
    expect(gaps[0]).toBeGreaterThanOrEqual(900);
    expect(gaps[1]).toBeGreaterThanOrEqual(1_900);
    expect(gaps[2]).toBeGreaterThanOrEqual(3_900);
    const healed = await waitFor(async () => {
      const status = await webhookStatus();
      return status && !status.lastError ? status : undefined;
    }, "the failure to leave the list once delivered");
    expect(healed).toMatchObject({ queued: 0, dropped: 0 });
  });

  it("never holds up a pairing: a receiver that holds the request open does not delay it", async () => {
    receiver.setMode({ kind: "hang" });
    const first = await pairNewDevice(gateway, "standard");
    paired.push(first);
    const hung = await waitFor(() => receiver.held[0], "the receiver to hold the first pairing's delivery");
    expect(deliveredFor("paired", first.device.id)).toEqual([hung.delivery]);
    // The plugin's request is open while a second device pairs from start to finish.
    const second = await pairNewDevice(gateway, "standard");
    paired.push(second);
    expect(hung.delivery.closed, "the held request is still open").toBe(false);
    expect(receiver.held.every((held) => !held.delivery.closed)).toBe(true);
    expect(deliveredFor("paired", second.device.id), "the second event waits behind the first").toEqual([]);
    // A paired desktop with operator access (its own device token) got the live event at once all the same.
    const seen = await waitFor(
      () =>
        first.session.events.find((e) => e.event === DEVICE_EVENT && (e.payload as any).deviceId === second.device.id),
      "the first device's connection to get the second device's event",
    );
    expect(seen.payload).toMatchObject({ kind: "paired", deviceId: second.device.id });
    receiver.setMode({ kind: "ok" });
    receiver.release(204);
    await waitFor(() => deliveredFor("paired", second.device.id).length > 0, "the second pairing delivered");
    const order = receiver.eventsWhere((event) => event.kind === "paired").map((d) => JSON.parse(String(d.body)));
    expect(order.map((event) => event.deviceId).slice(-2)).toEqual([first.device.id, second.device.id]);
  });

  it("tells the webhook about a device enrolled with a key, under the key's device name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ocmap-webhook-key-"));
    try {
      const created = await gateway.call("pairing.createEnrollmentKey", {
        uses: 1,
        ttlSeconds: 600,
        namePrefix: "kiosk",
      });
      const file = join(dir, "key");
      writeFileSync(file, `${created.key}\n`, { mode: 0o600 });
      const service = newKeychainService();
      const result = await runCli(service, ["pair", gateway.url, "--enroll-key-file", file, "--json"]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const deviceId = (await (await gatewayKeys(service)).loadTrust())!.deviceId;
      const [delivery] = await waitFor(() => {
        const found = deliveredFor("enrolled", deviceId);
        return found.length ? found : undefined;
      }, "the enrollment's webhook delivery");
      expect(verify(SECRET, delivery!.headers, delivery!.body)).toMatchObject({
        kind: "enrolled",
        deviceId,
        displayName: `kiosk-${deviceId.slice(0, 8)}`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exports the audit log as JSON lines and as CSV that defuses formulas (admin only)", async () => {
    const jsonl = await gateway.call("pairing.exportAudit", { format: "jsonl" });
    expect(jsonl).toMatchObject({ format: "jsonl", retention: { events: 500, failures: 200 } });
    expect(jsonl.filename).toMatch(/^ocmap-pairing-audit-.+\.jsonl$/);
    const lines = jsonl.content
      .trimEnd()
      .split("\n")
      .map((line: string) => JSON.parse(line));
    expect(lines.length).toBe(jsonl.count);
    expect(lines.filter((event: any) => event.type === "code.exchanged").length).toBe(4);
    const revoked = lines.find((event: any) => event.type === "device.revoked");
    expect(revoked).toMatchObject({
      deviceId: paired[0]!.device.id,
      reason: '=HYPERLINK("http://evil.example/","click")',
    });

    const csv = await gateway.call("pairing.exportAudit", { format: "csv" });
    const rows = csv.content.split("\r\n");
    expect(rows[0]).toBe(
      '"time","type","deviceId","fingerprint","codeId","keyId","reason","remoteAddress","count","lastTime"',
    );
    expect(rows.length).toBe(csv.count + 2); // header, rows, and the empty string after the last CRLF
    const revokedRow = rows.find((row: string) => row.includes('"device.revoked"'));
    expect(revokedRow).toContain(`"'=HYPERLINK(""http://evil.example/"",""click"")"`);

    const reader = await gateway.admin(["operator.read", "operator.pairing", "operator.write"]);
    const refused = await reader.request("pairing.exportAudit", { format: "csv" });
    reader.close();
    expect(refused.ok).toBe(false);
    expect(refused.error?.message).toMatch(/missing scope: operator\.admin/);
    await expect(gateway.call("pairing.exportAudit", { format: "xlsx" })).rejects.toThrow(/format must be one of/);
  });

  it("tells the webhook about ongoing guessing once while the failure window stays full", async () => {
    const guess = () =>
      post(gateway, "/ocmap-pairing/v2/start", clientPake(`${unusedDiscriminator([])}000000`).request);
    await waitFor(async () => (await guess()).status === 429, "the gateway-wide failure cap", 10_000, 0);
    const [delivery] = await waitFor(() => {
      const found = receiver.eventsWhere((event) => event.kind === "guessing");
      return found.length ? found : undefined;
    }, "the guessing event");
    const event = verify(SECRET, delivery!.headers, delivery!.body);
    expect(event.guessing).toMatchObject({ pausedUntilMs: expect.any(Number), busiest: [{ source: "127.0.0.1" }] });
    expect(event.guessing.failed).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < 3; i++) expect((await guess()).status).toBe(429);
    // Events are delivered in order: once a later revocation arrives, any second guessing event would have too.
    const last = paired.at(-1)!;
    await gateway.call("pairing.revokeDevice", { deviceId: last.device.id });
    await waitFor(() => deliveredFor("revoked", last.device.id).length > 0, "the later revocation delivered");
    expect(receiver.eventsWhere((event) => event.kind === "guessing").length).toBe(1);
  });

  it("never puts the webhook secret or the receiver's URL path in a log, the list or the plugin's files", async () => {
    const haystacks: Record<string, string> = {
      "gateway log": gateway.logs(),
      "pairing.list": JSON.stringify(await gateway.call("pairing.list", {})),
      "audit export": (await gateway.call("pairing.exportAudit", { format: "jsonl" })).content,
    };
    const dir = join(gateway.stateDir, "plugins/ocmap-pairing");
    for (const name of readdirSync(dir))
      if (statSync(join(dir, name)).isFile()) haystacks[name] = readFileSync(join(dir, name), "latin1");
    expect(haystacks["gateway log"]).toContain(`webhook to http://127.0.0.1:${receiver.port} failed (HTTP 500)`);
    for (const [where, text] of Object.entries(haystacks)) {
      expect(text.includes(SECRET), `${where} holds the webhook secret`).toBe(false);
      expect(text.includes(PATH_SECRET), `${where} holds the receiver's URL path`).toBe(false);
    }
  });
});
