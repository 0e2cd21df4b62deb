// The reconnect probe against the real gateway over its own self-signed TLS: it answers "serving" only for the
// pinned certificate, "refused" while the gateway is down, and sends no credential; and a core paired over wss://
// comes back after a crash through the probe (pinned), with no full handshake while nothing listened.
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { probeGateway, PROBE_PATH } from "../../src/core/gateway-probe.node.ts";
import { spkiPinOfPem } from "../../src/core/tls-pin.node.ts";
import { attemptTimes, expectTrustKept, pairedCore, type PairedCore } from "../faults/paired-core.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";

let gateway: Gateway;
let paired: PairedCore | undefined;

beforeAll(async () => {
  gateway = await startGateway({ tls: true });
});
afterAll(async () => {
  paired?.core.stop();
  await gateway?.dispose();
});

const served = () => readFileSync(gateway.tlsCertPath!, "utf8");

it("answers serving only for the pinned certificate (SPKI pin or a setup code's certificate hash)", async () => {
  expect(gateway.url.startsWith("wss://")).toBe(true);
  const sha256 = new X509Certificate(served()).fingerprint256.replace(/:/g, "").toLowerCase();
  expect(await probeGateway(gateway.url, { kind: "pinned", tlsPin: spkiPinOfPem(served()) })).toBe("serving");
  expect(await probeGateway(gateway.url, { kind: "certificate", sha256 })).toBe("serving");
  // Another pin: the TLS handshake is refused before the request, and that proves nothing either way.
  expect(await probeGateway(gateway.url, { kind: "certificate", sha256: "0".repeat(64) })).toBe("unknown");
  // No pin and a self-signed certificate: not trusted, so not asked.
  expect(await probeGateway(gateway.url, { kind: "ca" })).toBe("unknown");
});

it("sends one bare GET of the startup endpoint: no token, no cookie, no body", async () => {
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req);
    res.writeHead(503, { "content-type": "application/json" }).end('{"ok":false,"status":"starting"}');
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const { port } = server.address() as AddressInfo;
    expect(await probeGateway(`ws://127.0.0.1:${port}`, { kind: "ca" })).toBe("starting");
    expect(requests).toHaveLength(1);
    expect(requests[0]!.method).toBe("GET");
    expect(requests[0]!.url).toBe(PROBE_PATH);
    expect(Object.keys(requests[0]!.headers).sort()).toEqual(["accept", "connection", "host"]);
  } finally {
    await new Promise((r) => server.close(r));
  }
});

it("a core paired over wss:// is back after a crash; while nothing listens the probe answers, not handshakes", async () => {
  paired = await pairedCore(gateway);
  const tlsPin = spkiPinOfPem(served());
  const downAt = Date.now();
  await gateway.kill();
  expect(await probeGateway(gateway.url, { kind: "pinned", tlsPin })).toBe("refused");
  // The one retry after the loss meets the closed port; from then on the probe asks in its place, and each
  // handshake that falls due is skipped and counted as the failure it would have been (GATEWAY_UNREACHABLE).
  const quiet = await paired.core.waitFor(
    (v) => v.activity === "waiting" && v.lastError?.code === "GATEWAY_UNREACHABLE",
    20_000,
  );
  const quietFrom = Date.now();
  await paired.core.waitFor((v) => (v.reconnect?.attempt ?? 0) >= quiet.reconnect!.attempt + 3, 20_000);
  expect(attemptTimes(paired, downAt, quietFrom)).toHaveLength(1);
  expect(attemptTimes(paired, quietFrom, Date.now())).toHaveLength(0); // three due handshakes skipped
  expect(paired.core.view().lastError?.code).toBe("GATEWAY_UNREACHABLE");

  await gateway.start();
  const upAt = Date.now();
  const back = await paired.core.waitFor((v) => v.state === "PAIRED_CONNECTED", 30_000);
  expect(back.reason.code).toBe("RECONNECTED");
  // While the gateway started (its port may accept before its HTTP answers), never two handshakes in a second.
  const attempts = attemptTimes(paired, downAt, Date.now());
  for (let i = 1; i < attempts.length; i++) expect(attempts[i]! - attempts[i - 1]!).toBeGreaterThanOrEqual(990);
  expect(attempts.length).toBeLessThanOrEqual((upAt - downAt) / 1000 + 2);
  await expectTrustKept(paired);
}, 300_000);
