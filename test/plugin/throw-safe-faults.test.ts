// Every function the gateway, Node or a timer calls into the plugin is throw-safe: a real gateway runs with the
// plugin's test-only fault injection (OCMAP_PAIRING_TEST_FAULTS names a file listing the functions that must
// throw), each one is made to throw in turn, and the gateway keeps serving: the failure is logged, the caller
// gets an error answer where it waits for one, and nothing reaches the process's handlers for uncaught errors
// (which end the gateway).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FAULT_POINTS, FAULTS_ENV, type FaultPoint } from "../../gateway-plugin/src/throw-safe.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { waitFor } from "../harness/wait.ts";
import { pairNewDevice, post } from "../harness/wire-pairing.ts";

const dir = mkdtempSync(join(tmpdir(), "ocmap-faults-"));
const faultFile = join(dir, "faults");
let gateway: Gateway;
const forced = new Set<FaultPoint>();

/** Makes `points` throw (and nothing else) until the next call. */
function inject(...points: FaultPoint[]) {
  writeFileSync(faultFile, points.map((point) => `${point}\n`).join(""));
  points.forEach((point) => forced.add(point));
}

/** The plugin logged that `point` threw and what it did instead; the gateway process is alive and serving. */
async function expectCaughtAndServing(point: FaultPoint) {
  await waitFor(
    () => gateway.logs().includes(`ocmap-pairing: ${point} failed: Error: injected fault (${point})`),
    point,
  );
  inject();
  expect(gateway.logs()).not.toMatch(/Unhandled promise rejection|Uncaught exception|FATAL/i);
  expect(await gateway.call("health", {})).toBeTruthy();
  expect((await gateway.call("pairing.list", {})).codes).toBeInstanceOf(Array);
}

const identity = () => post(gateway, "/ocmap-pairing/v2/identity", null, { method: "GET", raw: "" });

beforeAll(async () => {
  inject("service start");
  gateway = await startGateway({ tls: true, env: { [FAULTS_ENV]: faultFile } });
}, 180_000);
afterAll(async () => {
  await gateway?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

it("service start: the gateway starts and serves", async () => {
  await expectCaughtAndServing("service start");
});

it("gateway method: the caller gets an error answer", async () => {
  inject("gateway method");
  const admin = await gateway.admin();
  const res = await admin.request("pairing.list", {});
  admin.close();
  expect(res).toMatchObject({ ok: false, error: { code: "UNAVAILABLE" } });
  await expectCaughtAndServing("gateway method");
});

it("http route: the request gets a 500 with a JSON error", async () => {
  inject("http route");
  expect(await identity()).toMatchObject({ status: 500, body: { ok: false, error: { code: "INVALID_REQUEST" } } });
  await expectCaughtAndServing("http route");
  expect((await identity()).status).toBe(200);
});

it("loopback message: forgetSelf answers FORGET_UNAVAILABLE and the device stays paired", async () => {
  const me = await pairNewDevice(gateway, "read-only");
  inject("loopback message");
  const res = await me.session.request("pairing.forgetSelf", {});
  expect(res).toMatchObject({ ok: false, error: { details: { code: "FORGET_UNAVAILABLE" } } });
  await expectCaughtAndServing("loopback message");
  expect((await me.session.request("health", {})).ok).toBe(true);
  me.session.close();
});

it("loopback close: forgetSelf still removes the device", async () => {
  const me = await pairNewDevice(gateway, "read-only");
  inject("loopback close");
  expect(await me.session.request("pairing.forgetSelf", {})).toMatchObject({ ok: true });
  expect((await me.session.closed).code).toBe(4001);
  await expectCaughtAndServing("loopback close");
});

it("sweep timers: the next sweeps run", async () => {
  // The service did not start above (its start threw): a restart starts it, and its sweep timers run every 5 s.
  await gateway.restart();
  inject("sweep timer", "ephemeral sweep timer");
  await expectCaughtAndServing("sweep timer");
  inject("ephemeral sweep timer");
  await expectCaughtAndServing("ephemeral sweep timer");
});

it("service stop: the gateway stops cleanly", async () => {
  inject("service stop");
  gateway.signal("SIGTERM");
  await waitFor(() => gateway.logs().includes("ocmap-pairing: service stop failed"), "the stop to run", 60_000);
  expect([...forced].sort()).toEqual([...FAULT_POINTS].sort()); // every fault point was forced
});
