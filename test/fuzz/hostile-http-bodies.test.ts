// Hostile HTTP (real gateway; see hostile-http-gateway.ts): slow, abandoned and endless bodies.
import { describe, expect, it } from "vitest";
import { post } from "../harness/wire-pairing.ts";
import {
  EXCHANGE,
  JSON_CT,
  START,
  expectContractError,
  expectNothingStored,
  gateway,
  itStaysHealthy,
  liveStart,
  unknownBody,
  unknownStart,
  useHostileGateway,
} from "./hostile-http-gateway.ts";
import { head, rawHttp } from "./raw-http.ts";

useHostileGateway();

describe("slow, abandoned and endless bodies", () => {
  it("a body sent one byte at a time is read whole and answered", async () => {
    const since = Date.now();
    const body = unknownBody();
    const reply = await rawHttp(
      gateway.port,
      [head("POST", START, [JSON_CT, ["Content-Length", body.length]]), ...body.split("")],
      { gapMs: 40 },
    );
    expectContractError(reply, 403, "CODE_INVALID");
    await expectNothingStored(since);
  });

  it("bodies abandoned halfway leave nothing behind", async () => {
    const since = Date.now();
    const partial = `{"discriminator":"${liveStart.discriminator}","sid":"${liveStart.sid.slice(0, 6)}`;
    for (let i = 0; i < 5; i++) {
      const reply = await rawHttp(
        gateway.port,
        [head("POST", i % 2 ? EXCHANGE : START, [JSON_CT, ["Content-Length", 200]]), partial],
        { abort: true },
      );
      expect(reply.status).toBe(0); // we hung up first
    }
    expectContractError(await post(gateway, START, unknownStart), 403, "CODE_INVALID"); // the routes still answer
    await expectNothingStored(since);
  });

  it("bodies that never finish are cut off by the body timeout (400); the gateway keeps answering others", async () => {
    const since = Date.now();
    const stalled = Array.from({ length: 8 }, (_, i) =>
      rawHttp(gateway.port, [head("POST", i % 2 ? EXCHANGE : START, [JSON_CT, ["Content-Length", 100]]), '{"code":"'], {
        timeoutMs: 40_000,
      }),
    );
    // Meanwhile the gateway and the plugin answer everyone else at once.
    const admin = await gateway.admin();
    try {
      for (let i = 0; i < 5; i++) {
        const startedAt = performance.now();
        expect((await admin.request("health", {})).ok).toBe(true);
        expectContractError(await post(gateway, START, unknownStart), 403, "CODE_INVALID");
        expect(performance.now() - startedAt).toBeLessThan(3_000);
      }
    } finally {
      admin.close();
    }
    for (const reply of await Promise.all(stalled)) {
      expectContractError(reply, 400, "INVALID_REQUEST");
      // The plugin's 5 s body timeout (the SDK's pre-auth profile): a stalled request holds its socket no longer.
      expect(reply.ms).toBeLessThan(5_000 + 3_000);
    }
    await expectNothingStored(since);
  }, 60_000);
});

itStaysHealthy();
