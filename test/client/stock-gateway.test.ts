// A gateway WITHOUT ocmap-pairing, paired the gateway's own way through the `ocmap` CLI (real gateway, real
// keychain): setup codes made by the gateway's own `openclaw qr` and `device.pair.setupCode`, the approval wait
// ended by `openclaw devices approve`, the silent local approval, revoke (`openclaw devices remove` → REVOKED),
// forget where the device may remove itself and where only the operator can, and the code's expiry bounding the wait.
import { spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CliProcess, newKeychainService, runCli } from "../harness/cli.ts";
import { gatewayEnv, gatewayNode, openclawEntry, startGateway, type Gateway } from "../harness/gateway.ts";
import { gatewayKeys } from "../harness/gateway-keys.ts";
import { waitFor } from "../harness/wait.ts";

let gateway: Gateway;
const secrets = new Set<string>();

beforeAll(async () => {
  gateway = await startGateway({ loadPlugin: false, autoApproveLocal: false });
}, 240_000);
afterAll(async () => {
  await gateway?.dispose();
});

const decode = (code: string) => JSON.parse(Buffer.from(code, "base64url").toString("utf8"));
const encode = (payload: object) => Buffer.from(JSON.stringify(payload)).toString("base64url");

/**
 * `openclaw qr` as the operator runs it on the gateway's host (its own config and state). Its stdout goes to a file:
 * the CLI exits right after printing, which can cut off what it wrote to a pipe on a busy machine.
 */
async function openclawQr(args: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "ocmap-qr-"));
  try {
    const stdout = openSync(join(dir, "stdout"), "w");
    const env = gatewayEnv({ home: gateway.home, stateDir: gateway.stateDir, configPath: gateway.configPath });
    const child = spawn(gatewayNode, [openclawEntry, "qr", ...args], { env, stdio: ["ignore", stdout, "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    const printed = readFileSync(join(dir, "stdout"), "utf8").trim();
    expect(code, stderr).toBe(0);
    expect(printed, stderr).not.toBe("");
    return printed;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A setup code as an operator makes one: the gateway's own CLI (`qr`) or its WS method. */
async function setupCode(via: "qr" | "method"): Promise<string> {
  let code: string;
  if (via === "qr") {
    // A loopback-bound gateway has no address to advertise by itself: the operator names it.
    code = await openclawQr(["--setup-code-only", "--public-url", gateway.url]);
  } else {
    code = (await gateway.call("device.pair.setupCode", { publicUrl: gateway.url, includeQr: false })).setupCode;
  }
  secrets.add(code).add(decode(code).bootstrapToken);
  return code;
}

const pendingRequests = async (): Promise<Array<{ requestId: string; deviceId: string }>> =>
  (await gateway.call("device.pair.list", {})).pending;

// Each `openclaw` CLI run starts a Node process that loads the whole gateway package: slow on a busy machine.
const CLI_TEST_MS = 240_000;

const pairedIds = async (): Promise<string[]> =>
  (await gateway.call("device.pair.list", {})).paired.map((device: { deviceId: string }) => device.deviceId);

async function storedTrust(service: string) {
  const trust = await (await gatewayKeys(service)).loadTrust();
  if (trust) secrets.add(trust.deviceToken);
  return trust;
}

function expectNoSecrets(text: string) {
  for (const secret of secrets) expect(text).not.toContain(secret);
}

describe("a gateway without ocmap-pairing, paired with its own setup code (ocmap CLI)", () => {
  const service = newKeychainService();

  it("has no ocmap-pairing: its own pairing is the only way in", async () => {
    await expect(gateway.call("pairing.createCode", {})).rejects.toThrow(/unknown method|INVALID_REQUEST/i);
  });

  it(
    "waits for the operator's approval, says so, and pairs once `openclaw devices approve` ran",
    async () => {
      const code = await setupCode("qr");
      const before = new Set((await pendingRequests()).map((request) => request.requestId));
      const pairing = new CliProcess(service, ["pair", code, "--json"]);
      const waiting = await pairing.waitForLine((line) => line.pairingStep === "waiting-for-approval", "the wait");
      expect(waiting).toMatchObject({ state: "PAIRING_IN_PROGRESS", reason: { code: "AWAITING_APPROVAL" } });
      expect(waiting.reason.message).toMatch(/approve this device/);
      const request = (await pendingRequests()).find((pending) => !before.has(pending.requestId));
      const approved = await gateway.cli(["devices", "approve", request!.requestId]);
      expect(approved.code, approved.stderr).toBe(0);
      expect(await pairing.exited).toBe(0);

      const infos = pairing.lines.filter((line) => line.type === "info").map((line) => line.message);
      expect(infos.join("\n")).toMatch(/bearer secret.*Keep it private/);
      expect(infos.join("\n")).toMatch(/no ocmap-pairing identity key/);
      expect(pairing.lines.at(-1)).toMatchObject({
        state: "PAIRED_CONNECTED",
        gateway: { stock: true, fingerprint: null },
      });
      const trust = await storedTrust(service);
      expect(trust).toMatchObject({
        deviceId: request!.deviceId,
        stockGateway: {},
        scopes: ["operator.read", "operator.write"],
      });
      expect(trust!.gatewayIdentity).toBeUndefined();
      expectNoSecrets(pairing.stdout + pairing.stderr);
    },
    CLI_TEST_MS,
  );

  it("reconnects with the stored device token (`ocmap status`)", async () => {
    const status = await runCli(service, ["status", "--json"]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.lines.at(-1)).toMatchObject({ state: "PAIRED_CONNECTED", gateway: { stock: true } });
  });

  it(
    "goes to REVOKED (trust wiped) when the operator removes the device",
    async () => {
      const deviceId = (await storedTrust(service))!.deviceId;
      const connected = new CliProcess(service, ["connect", "--json"]);
      await connected.waitForLine((line) => line.state === "PAIRED_CONNECTED", "connected");
      const removed = await gateway.cli(["devices", "remove", deviceId]);
      expect(removed.code, removed.stderr).toBe(0);
      expect(await connected.exited).toBe(4);
      expect(connected.lines.at(-1)).toMatchObject({ state: "REVOKED" });
      expect(await storedTrust(service)).toBeNull();
      expectNoSecrets(connected.stdout + connected.stderr);
    },
    CLI_TEST_MS,
  );

  it("refuses a setup code another device already holds", async () => {
    const code = await setupCode("method");
    const first = new CliProcess(newKeychainService(), ["pair", code, "--json"]);
    await first.waitForLine((line) => line.pairingStep === "waiting-for-approval", "the first device's wait");
    const second = await runCli(newKeychainService(), ["pair", code, "--json"]);
    expect(second.code).toBe(6);
    expect(second.lines.at(-1)).toMatchObject({ type: "error", code: "SETUP_CODE_REJECTED" });
    await first.stop();
  });

  it("stops waiting when the code expires (the code's own expiry bounds the wait)", async () => {
    const real = decode(await setupCode("method"));
    const soon = encode({ ...real, expiresAtMs: Date.now() + 4_000 });
    const run = await runCli(newKeychainService(), ["pair", soon, "--json"]);
    expect(run.code).toBe(6);
    expect(run.lines.some((line) => line.pairingStep === "waiting-for-approval")).toBe(true);
    expect(run.lines.at(-1)).toMatchObject({ type: "error", code: "APPROVAL_EXPIRED" });
  });

  it("refuses a damaged setup code locally, naming what is wrong and never echoing it", async () => {
    const real = decode(await setupCode("method"));
    const damaged = encode({ ...real, url: "ftp://127.0.0.1" });
    const run = await runCli(newKeychainService(), ["pair", damaged, "--json"]);
    expect(run.code).toBe(6);
    expect(run.lines.at(-1)).toMatchObject({ type: "error", code: "SETUP_CODE_INVALID" });
    expect(run.lines.at(-1).message).toMatch(/gateway address/);
    expectNoSecrets(run.stdout + run.stderr);
  });
});

describe("where the gateway approves local devices by itself", () => {
  beforeAll(async () => {
    await gateway.updateConfig((config) => {
      config.gateway.nodes.pairing.autoApproveLocal = true;
    });
  });

  it("pairs without a wait; forget removes a `full` device from the gateway (device.pair.remove)", async () => {
    const service = newKeychainService();
    const paired = await runCli(service, ["pair", await setupCode("method"), "--access", "full", "--json"]);
    expect(paired.code, paired.stderr).toBe(0);
    expect(paired.lines.some((line) => line.pairingStep === "waiting-for-approval")).toBe(false);
    const deviceId = (await storedTrust(service))!.deviceId;
    expect(await pairedIds()).toContain(deviceId);

    const forgot = await runCli(service, ["forget", "--json"]);
    expect(forgot.code, forgot.stdout + forgot.stderr).toBe(0);
    expect(forgot.lines.at(-1)).toMatchObject({ type: "info", notice: "FORGOTTEN" });
    await waitFor(async () => !(await pairedIds()).includes(deviceId), "the device removed on the gateway");
    expect(await storedTrust(service)).toBeNull();
    expectNoSecrets(paired.stdout + forgot.stdout + forgot.stderr);
  });

  it("forget of a `standard` device wipes it here and says plainly that the operator must remove it", async () => {
    const service = newKeychainService();
    const paired = await runCli(service, ["pair", await setupCode("method"), "--json"]);
    expect(paired.code, paired.stderr).toBe(0);
    const deviceId = (await storedTrust(service))!.deviceId;

    const forgot = await runCli(service, ["forget", "--json"]);
    expect(forgot.code).toBe(8);
    expect(forgot.lines.at(-1)).toMatchObject({ type: "error", code: "FORGET_NOT_ALLOWED" });
    expect(forgot.lines.at(-1).message).toMatch(/openclaw devices remove/);
    expect(await storedTrust(service)).toBeNull();
    expect(await pairedIds()).toContain(deviceId); // honest: it is still there until the operator removes it
  });
});
