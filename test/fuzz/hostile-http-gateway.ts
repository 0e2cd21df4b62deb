// Shared by the hostile-HTTP suites (hostile-http-*.test.ts): hostile HTTP against the plugin's
// unauthenticated v2 routes on a real gateway. Every request the plugin sees is answered with the
// contract's `{ok:false, error}` shape; the few that Node's HTTP parser refuses first get a bare 400 and a
// closed connection. Nothing is ever stored (the live code stays active, no attempt counted, no device),
// and the gateway never falls over. Failures count toward the rate limits, so each suite raises them (the
// schema's maximum). Each suite file starts its own gateway with `useHostileGateway()`; the bindings below
// are set in its beforeAll (ES module exports are live).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { clientPake } from "@ocmap/protocol/pairing-v2";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { pakeGrant, unusedDiscriminator, type HttpReply } from "../harness/wire-pairing.ts";
import type { RawReply } from "./raw-http.ts";

export const START = "/ocmap-pairing/v2/start";
export const EXCHANGE = "/ocmap-pairing/v2/exchange";
export const ROUTES = [START, "/ocmap-pairing/v2/confirm", EXCHANGE, "/ocmap-pairing/v2/abandon"];
export const JSON_CT: [string, string] = ["Content-Type", "application/json"];

export let gateway: Gateway;
export let live: { code: string; codeId: string };
let baseline: { codes: unknown[]; devices: unknown[] };
/** A well-formed /start for the live code (must never be read when the request is refused first). */
export let liveStart: { discriminator: string; sid: string; share: string };
/** A well-formed /start whose discriminator no code has: read, it is CODE_INVALID. */
export let unknownStart: typeof liveStart;

export function useHostileGateway() {
  beforeAll(async () => {
    gateway = await startGateway({ pluginConfig: { maxFailuresPerAddress: 1000, maxFailuresGlobal: 1000 } });
    live = await gateway.call("pairing.createCode", { label: "must survive the hostile suite" });
    liveStart = clientPake(live.code.replace("-", "")).request;
    unknownStart = clientPake(`${unusedDiscriminator([live.code])}000000`).request;
    const list = await gateway.call("pairing.list", {});
    baseline = { codes: list.codes, devices: list.devices };
  });
  afterAll(async () => {
    await gateway?.dispose();
  });
}

export function expectContractError(reply: HttpReply | RawReply, status: number, code: string) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.body).toEqual({ ok: false, error: { code, message: expect.stringMatching(/^[A-Z].*\.$/) } });
  expect(String(reply.headers["content-type"])).toMatch(/^application\/json/);
}

/** Node's own HTTP parser refused the request before any route ran: a bare 400, connection closed. */
export function expectParserRejection(reply: RawReply) {
  expect(reply.status).toBe(400);
  expect(reply.text).toBe("");
  expect(reply.headers.connection).toEqual(["close"]);
}

/** Nothing was stored since `since`: the live code is untouched, no device, only failures audited. */
export async function expectNothingStored(since: number) {
  const state = JSON.parse(readFileSync(join(gateway.stateDir, "plugins/ocmap-pairing/state.json"), "utf8"));
  expect(state.codes.find((c: any) => c.codeId === live.codeId).failures, "an attempt counted").toBe(0);
  const list = await gateway.call("pairing.list", {});
  expect(list.codes).toEqual(baseline.codes);
  expect(list.devices).toEqual(baseline.devices);
  const events = list.events.filter((e: any) => e.atMs >= since);
  expect(events.filter((e: any) => e.type !== "code.failed")).toEqual([]);
  expect(events.filter((e: any) => e.codeId === live.codeId)).toEqual([]);
}

export const unknownBody = () => JSON.stringify(unknownStart);
export const exchangeBody = (
  sessionId: unknown,
  device: unknown = { id: "a".repeat(64), publicKey: "k", signature: "s", signedAt: Date.now() },
) => JSON.stringify({ sessionId, requestId: "r", device, mac: "m" });

/** The last test of each suite: the gateway it hammered is the same process, healthy, and still pairs. */
export function itStaysHealthy() {
  it("afterwards the gateway is the same process, healthy, logged no unexpected failure and still pairs", async () => {
    expect(await gateway.call("health", {})).toBeTruthy();
    const logs = gateway.logs();
    expect(logs.match(/http server listening/g)).toHaveLength(1); // never restarted
    expect(logs).not.toMatch(/ocmap-pairing: unexpected failure|Uncaught|unhandledRejection/i);
    const list = await gateway.call("pairing.list", {});
    expect(list.codes.find((c: any) => c.codeId === live.codeId)).toMatchObject({ status: "active" });
    const granted = await pakeGrant(gateway, live.code);
    expect(granted.grant.codeId).toBe(live.codeId);
  });
}
