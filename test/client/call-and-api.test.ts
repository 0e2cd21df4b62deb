// Using the access a device paired for, against the real gateway + plugin, with the file store and no
// D-Bus: `ocmap call` within and outside the device's scopes (the gateway decides; its code comes back),
// and the Node API (`ocmap/api`, the built package entry): calls, gateway events, reconnect after a
// restart, and no token in anything it hands out.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileStoreBackend } from "../../src/core/file-store.node.ts";
import { Keystore } from "../../src/core/keystore.node.ts";
import { runCli } from "../harness/cli.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { onlyGateway } from "../harness/gateway-keys.ts";

let gateway: Gateway;
let root = "";
const secrets = new Set<string>();
const outputs: string[] = [];
const noDbus = (): NodeJS.ProcessEnv => ({
  DBUS_SESSION_BUS_ADDRESS: undefined,
  DISPLAY: undefined,
  XDG_RUNTIME_DIR: join(root, "empty-runtime"),
});

async function ocmap(store: string, args: string[], input?: string) {
  const result = await runCli("unused-keychain-service", args, {
    env: { ...noDbus(), OCMAP_STORE: store },
    ...(input !== undefined ? { input } : {}),
  });
  outputs.push(result.stdout, result.stderr);
  return result;
}

async function pairedStore(access: string) {
  const store = join(root, `store-${randomBytes(4).toString("hex")}`);
  const { code } = await gateway.call("pairing.createCode", { access });
  secrets.add(code);
  const result = await ocmap(store, ["pair", gateway.url, "--json"], `${code}\n`);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  const ks = await onlyGateway(new Keystore({ backend: fileStoreBackend({ dir: store }) }));
  const trust = (await ks.loadTrust())!;
  secrets.add(trust.deviceToken).add((await ks.loadIdentity())!.privateKey);
  return { store, trust };
}

let readOnly: { store: string; trust: { deviceId: string; deviceToken: string } };
let standard: typeof readOnly;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "ocmap-call-"));
  await mkdir(join(root, "empty-runtime"), { mode: 0o700 });
  gateway = await startGateway();
  readOnly = await pairedStore("read-only");
  standard = await pairedStore("standard");
}, 300_000); // a busy machine can take minutes to start a gateway
afterAll(async () => {
  await gateway?.dispose();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("ocmap call", () => {
  it("calls a method within the device's scopes and prints its JSON result (a health check)", async () => {
    const result = await ocmap(readOnly.store, ["call", "health"]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true });
    const json = await ocmap(readOnly.store, ["call", "health", "{}", "--json"]);
    expect(json.code).toBe(0);
    expect(json.lines.at(-1)).toMatchObject({ type: "result", result: expect.any(Object) });
  });

  it("a method outside the device's scopes exits 10 with the gateway's own error code", async () => {
    const result = await ocmap(readOnly.store, ["call", "pairing.createCode", "-", "--json"], "{}");
    expect(result.code, result.stdout + result.stderr).toBe(10);
    const error = result.lines.at(-1);
    expect(error).toMatchObject({ type: "error", source: "gateway", method: "pairing.createCode" });
    expect(error.code).toMatch(/^[A-Z_]+$/);
    const plain = await ocmap(readOnly.store, ["call", "pairing.createCode"]);
    expect(plain.code).toBe(10);
    expect(plain.stderr).toContain(`[${error.code}]`);
    // A write method: refused to the read-only device for its scope, passed on to the handler for a standard one.
    const write = ["call", "tts.status", "{}", "--json"];
    const readOnlyWrite = await ocmap(readOnly.store, ["call", "users.setDisplayName", "{}", "--json"]);
    const standardWrite = await ocmap(standard.store, ["call", "users.setDisplayName", "{}", "--json"]);
    expect(readOnlyWrite.code).toBe(10);
    expect(readOnlyWrite.lines.at(-1).message).toMatch(/scope/i);
    expect(standardWrite.lines.at(-1).message ?? "").not.toMatch(/scope/i);
    expect((await ocmap(readOnly.store, write)).code).toBe(0);
  });

  it("bad params are a usage error, and an unpaired store exits 3", async () => {
    expect((await ocmap(readOnly.store, ["call", "health", "{not json"])).code).toBe(2);
    expect((await ocmap(join(root, "empty-store"), ["call", "health"])).code).toBe(3);
  });
});

describe("Node API: openPairedSession from the built package entry", () => {
  it("calls, receives gateway events, reconnects after a restart, and hands out no token", async () => {
    const api = await import("ocmap/api");
    const session = await api.openPairedSession({ store: standard.store, timeoutMs: 60_000 });
    const states: unknown[] = [];
    session.onState((state) => states.push(state));
    try {
      expect(session.state()).toMatchObject({ state: "PAIRED_CONNECTED", device: { id: standard.trust.deviceId } });
      const health = await session.call<{ ok?: boolean }>("health");
      expect(health).toEqual(expect.any(Object));

      const events: string[] = [];
      const changed = new Promise<unknown>((resolve) =>
        session.on("plugin.ocmap-pairing.changed", (payload) => resolve(payload)),
      );
      session.on("*", (_payload, name) => events.push(name));
      await gateway.call("pairing.createCode", {});
      expect(await changed).toEqual(expect.any(Object));
      expect(events).toContain("plugin.ocmap-pairing.changed");

      const refused = await session.call("pairing.createCode", {}).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(api.GatewayCallError);
      expect((refused as InstanceType<typeof api.GatewayCallError>).code).toMatch(/^[A-Z_]+$/);

      await gateway.restart();
      expect(await session.call("health", {}, { timeoutMs: 60_000 })).toEqual(expect.any(Object));
      expect(states.some((state: any) => state.state === "PAIRED_DISCONNECTED")).toBe(true);

      const everything = JSON.stringify([session, session.state(), states, refused, Object.keys(session)]);
      for (const secret of secrets) expect(everything.includes(secret)).toBe(false);
    } finally {
      await session.close();
    }
    await expect(session.call("health")).rejects.toMatchObject({ code: "CLOSED" });
  }, 120_000);

  it("rejects with NOT_PAIRED for an empty store, and never falls back to the keychain", async () => {
    const api = await import("ocmap/api");
    const empty = join(root, "api-empty");
    await expect(api.openPairedSession({ store: empty, timeoutMs: 5_000 })).rejects.toMatchObject({
      name: "OcmapError",
      code: "NOT_PAIRED",
    });
  });

  it("never prints a code, token or key", () => {
    const all = outputs.join("\n");
    for (const secret of secrets) expect(all.includes(secret)).toBe(false);
  });
});

describe("how the gateway sees a client", () => {
  it("a one-shot verb connects as the gateway's CLI does (not in presence); a client that stays is", async () => {
    const api = await import("ocmap/api");
    const session = await api.openPairedSession({ store: standard.store, timeoutMs: 60_000 });
    try {
      // Asked on the one-shot connection itself: were it tracked, it would list itself as connected now.
      const result = await ocmap(readOnly.store, ["call", "system-presence", "{}", "--json"]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const connectedNow = (result.lines.at(-1).result as any[]).filter((entry) => entry.reason === "connect");
      expect(connectedNow.map((entry) => [entry.deviceId, entry.mode])).toEqual([[standard.trust.deviceId, "ui"]]);
    } finally {
      await session.close();
    }
  }, 120_000);
});
