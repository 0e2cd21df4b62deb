// The pinned TLS connector against a local HTTPS + WebSocket server and a TLS man in the middle (both
// in-process stand-ins for the gateway; the real gateway is in test/harness/gateway-tls.test.ts).
import https from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { connectVerifiedWebSocket, requestJsonOverTls, type TlsConnectError } from "../../src/core/pinned-tls.node.ts";
import { spkiPinOfPem } from "../../src/core/tls-pin.node.ts";
import { CLOCK_SKEW_ALLOWANCE_MS } from "@ocmap/protocol/gateway-identity";
import { makeSelfSignedCertificate } from "../harness/tls-certs.ts";
import { makeDatedCertificate } from "../harness/tls-dated-certs.ts";
import { startTlsMitm, type TlsMitm } from "../harness/tls-mitm.ts";
import { waitFor } from "../harness/wait.ts";

const DAY = 86_400_000;
const origin = makeSelfSignedCertificate("gateway");
const originPin = spkiPinOfPem(origin.cert);
let server: https.Server;
let port = 0;
let mitm: TlsMitm;
const requestsSeen: string[] = [];

beforeAll(async () => {
  server = https.createServer({ key: origin.key, cert: origin.cert }, (req, res) => {
    requestsSeen.push(`${req.method} ${req.url}`);
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ ok: true, path: req.url }));
  });
  const wss = new WebSocketServer({ server });
  wss.on("connection", (socket) => socket.on("message", (data) => socket.send(`echo ${data}`)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  mitm = await startTlsMitm(port);
});
afterAll(async () => {
  await mitm?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the connection to be refused");
    },
    (error: TlsConnectError) => error,
  );

describe("pinned TLS connector (local TLS server, not the gateway)", () => {
  it("the right pin: ws upgrades and echoes; a JSON request answers", async () => {
    const { ws, tlsPin } = await connectVerifiedWebSocket(`wss://127.0.0.1:${port}/`, {
      kind: "pinned",
      tlsPin: originPin,
    });
    expect(tlsPin).toBe(originPin);
    const echoed = new Promise((resolve) => ws.once("message", (data) => resolve(String(data))));
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    ws.send("hi");
    expect(await echoed).toBe("echo hi");
    ws.close();
    const response = await requestJsonOverTls(`https://127.0.0.1:${port}/v2/identity`, {
      kind: "pinned",
      tlsPin: originPin,
    });
    expect(response).toMatchObject({ status: 200, body: { ok: true, path: "/v2/identity" }, tlsPin: originPin });
    expect(response.validity.notAfterMs).toBeGreaterThan(Date.now());
  });

  it("the right pin outside its window, its own or the signed one: refused before any byte", async () => {
    const expired = makeDatedCertificate({
      notBefore: new Date(Date.now() - 2 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    const stale = https.createServer({ key: expired.key, cert: expired.cert }, (req, res) => {
      requestsSeen.push(`${req.method} ${req.url}`);
      res.end("{}");
    });
    await new Promise<void>((resolve) => stale.listen(0, "127.0.0.1", resolve));
    const before = requestsSeen.length;
    try {
      const stalePort = (stale.address() as AddressInfo).port;
      const pinned = { kind: "pinned", tlsPin: spkiPinOfPem(expired.cert) } as const;
      const error = await failureOf(requestJsonOverTls(`https://127.0.0.1:${stalePort}/x`, pinned));
      expect(error).toMatchObject({ code: "GATEWAY_CERT_EXPIRED", observedPin: pinned.tlsPin });
      // A valid certificate around the pinned key, but the window the identity signed for it is over.
      const signedWindow = { notBeforeMs: 0, notAfterMs: Date.now() - CLOCK_SKEW_ALLOWANCE_MS - 1_000 };
      const outside = { kind: "pinned", tlsPin: originPin, validity: signedWindow } as const;
      expect(await failureOf(requestJsonOverTls(`https://127.0.0.1:${port}/x`, outside))).toMatchObject({
        code: "GATEWAY_CERT_EXPIRED",
      });
      expect(requestsSeen.length).toBe(before);
    } finally {
      stale.closeAllConnections();
      await new Promise((resolve) => stale.close(resolve));
    }
  });

  it("a man in the middle with its own certificate receives zero application bytes, ws and HTTP", async () => {
    const mitmPin = spkiPinOfPem(mitm.certificate.cert);
    const connectionsBefore = mitm.connections();
    const closedBefore = mitm.closed();
    const pinned = { kind: "pinned", tlsPin: originPin } as const;
    const wsError = await failureOf(connectVerifiedWebSocket(`wss://127.0.0.1:${mitm.port}/`, pinned));
    const httpError = await failureOf(
      requestJsonOverTls(`https://127.0.0.1:${mitm.port}/v2/confirm`, pinned, { body: { secret: "x" } }),
    );
    for (const error of [wsError, httpError]) {
      expect(error).toMatchObject({ name: "TlsConnectError", code: "GATEWAY_IDENTITY_CHANGED", observedPin: mitmPin });
    }
    // Both reached the proxy (the client saw its certificate), and both are over before we look at what it got.
    expect(mitm.connections() - connectionsBefore).toBe(2);
    await waitFor(() => mitm.closed() - closedBefore === 2, "the proxy's client connections to close");
    expect(mitm.fromClient().length).toBe(0);
    expect(mitm.fromClient().toString()).not.toMatch(/GET|POST|Upgrade/);
  });

  it("no pin: ordinary CA verification refuses a self-signed certificate before any byte", async () => {
    const handshakesBefore = mitm.handshakes();
    const error = await failureOf(
      requestJsonOverTls(`https://127.0.0.1:${mitm.port}/x`, { kind: "ca" }, { body: { secret: "x" } }),
    );
    expect(error).toMatchObject({ code: "GATEWAY_TLS_UNTRUSTED" });
    expect(mitm.fromClient().length).toBe(0);
    expect(mitm.handshakes() - handshakesBefore).toBeLessThanOrEqual(1);
  });

  it("no pin: a certificate the CA store trusts works as before (the test's own CA here)", async () => {
    const response = await requestJsonOverTls(`https://127.0.0.1:${port}/ca`, { kind: "ca", ca: origin.cert });
    expect(response.status).toBe(200);
    expect(response.tlsPin).toBe(originPin);
  });

  it("capture: no verification, and the pin of whoever answered is reported (here the MITM's)", async () => {
    const before = requestsSeen.length;
    const response = await requestJsonOverTls(`https://127.0.0.1:${mitm.port}/v2/start`, { kind: "capture" });
    expect(response.status).toBe(200);
    expect(response.tlsPin).toBe(spkiPinOfPem(mitm.certificate.cert));
    expect(response.tlsPin).not.toBe(originPin);
    expect(requestsSeen.slice(before)).toEqual(["GET /v2/start"]);
    expect(mitm.fromClient().toString()).toContain("GET /v2/start");
  });

  it("a closed port is GATEWAY_UNREACHABLE", async () => {
    const closed = https.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failureOf(requestJsonOverTls(`https://127.0.0.1:${closedPort}/`, { kind: "capture" }));
    expect(error).toMatchObject({ code: "GATEWAY_UNREACHABLE" });
  });
});
