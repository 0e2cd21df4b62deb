// Clawpodz's operator flow headless with the `openclaw` CLI against the real gateway, paired
// with the real `ocmap` CLI (the tab itself: clawpodz.test.ts). One gateway for the file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Keystore } from "../../src/core/keystore.node.ts";
import { fingerprint } from "@ocmap/protocol/pairing-protocol";
import { CliProcess, newKeychainService, runCli } from "../harness/cli.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { waitFor } from "../harness/wait.ts";

let gateway: Gateway;
const cliProcesses: CliProcess[] = [];

beforeAll(async () => {
  gateway = await startGateway();
});

afterAll(async () => {
  for (const client of cliProcesses) if (client.child.exitCode === null) await client.stop();
  await gateway?.dispose();
});

describe("headless operator with the openclaw CLI", () => {
  /** `openclaw gateway call <method> --json [--params <json>]`, exactly as the README shows it. */
  const call = async (method: string, params?: unknown) => {
    const result = await gateway.cli([
      "gateway",
      "call",
      method,
      "--json",
      ...(params === undefined ? [] : ["--params", JSON.stringify(params)]),
    ]);
    expect(result.code, `${method}: ${result.stdout}\n${result.stderr}`).toBe(0);
    return JSON.parse(result.stdout);
  };

  it("createCode → ocmap pair → pairing.list shows it → revokeDevice → the client is REVOKED", async () => {
    const created = await call("pairing.createCode", { access: "read-only", label: "headless" });
    expect(created).toMatchObject({
      access: "read-only",
      scopes: ["operator.read"],
      code: expect.stringMatching(/^\w{4}-\w{4}$/),
    });
    const svc = newKeychainService();
    const pair = await runCli(svc, ["pair", gateway.url, created.code, "--json"]);
    expect(pair.code, pair.stdout + pair.stderr).toBe(0);
    const trust = (await new Keystore({ service: svc }).loadTrust())!;
    expect(trust.scopes).toEqual(["operator.read"]);
    const client = new CliProcess(svc, ["connect", "--json"]);
    cliProcesses.push(client);
    await client.waitForLine((l) => l.state === "PAIRED_CONNECTED", "ocmap connect: PAIRED_CONNECTED");

    const list = await waitFor(async () => {
      const listing = await call("pairing.list");
      return listing.devices.find((d: any) => d.deviceId === trust.deviceId)?.connected ? listing : undefined;
    }, "pairing.list to show the device connected");
    expect(list.codes.find((c: any) => c.codeId === created.codeId)).toMatchObject({
      status: "used",
      deviceId: trust.deviceId,
      label: "headless",
    });
    expect(list.devices.find((d: any) => d.deviceId === trust.deviceId)).toMatchObject({
      fingerprint: fingerprint(trust.deviceId),
      access: "read-only",
    });
    expect(JSON.stringify(list)).not.toContain(trust.deviceToken);

    // Without --json, as an operator would type it.
    const revoked = await gateway.cli([
      "gateway",
      "call",
      "pairing.revokeDevice",
      "--params",
      JSON.stringify({ deviceId: trust.deviceId, reason: "headless test" }),
    ]);
    expect(revoked.code, revoked.stdout + revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(trust.deviceId);
    await client.waitForLine((l) => l.state === "REVOKED", "ocmap connect: REVOKED", 20_000);
    expect(await client.exited).toBe(4);
    const after = await call("pairing.list");
    expect(after.devices.find((d: any) => d.deviceId === trust.deviceId)).toMatchObject({
      revokedBy: "operator",
      connected: false,
    });
    expect(
      after.events.some(
        (e: any) => e.type === "device.revoked" && e.deviceId === trust.deviceId && e.reason === "headless test",
      ),
    ).toBe(true);
  });
});
