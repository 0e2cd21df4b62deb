// An eavesdropper on plain ws:// records a whole pairing (the client core in-process, real gateway, plugin
// and keychain, through a recording TCP proxy). What it holds: no code in any encoding, no bootstrap token in
// the pairing routes; what the gateway's own connect frame carries is written down below; and replaying
// what it saw pairs nothing.
import net from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCore } from "../../src/core/core.node.ts";
import { Keystore } from "../../src/core/keystore.node.ts";
import { startTcpProxy, type TcpProxy } from "../faults/tcp-proxy.ts";
import { newKeychainService } from "../harness/cli.ts";
import { startGateway, type Gateway } from "../harness/gateway.ts";
import { eavesdrop } from "../harness/ws-recording.ts";

let gateway: Gateway;
let proxy: TcpProxy;
beforeAll(async () => {
  gateway = await startGateway();
  proxy = await startTcpProxy(gateway.port);
});
afterAll(async () => {
  await proxy?.close();
  await gateway?.dispose();
});

/** Every way the code could be spelled on the wire. */
function codeSpellings(display: string): string[] {
  const normalized = display.replace("-", "");
  const forms = [display, normalized, normalized.slice(2) /* its secret part */];
  const all = forms.flatMap((form) => [form, form.toLowerCase()]);
  for (const form of [display, normalized]) {
    const bytes = Buffer.from(form, "utf8");
    all.push(bytes.toString("base64"), bytes.toString("base64url"), bytes.toString("hex"));
    all.push(bytes.toString("base64").replace(/=+$/, ""), encodeURIComponent(form));
  }
  return all;
}

interface HttpRequestSeen {
  path: string;
  body: string;
}

/** Splits a recorded client stream into HTTP requests (keep-alive connections carry several). */
function httpRequests(stream: Buffer): HttpRequestSeen[] {
  const requests: HttpRequestSeen[] = [];
  let rest = stream.toString("latin1");
  for (;;) {
    const headerEnd = rest.indexOf("\r\n\r\n");
    const line = /^POST (\S+) HTTP\/1\.1/.exec(rest);
    if (headerEnd < 0 || !line) return requests;
    const length = Number(/content-length: (\d+)/i.exec(rest.slice(0, headerEnd))?.[1] ?? 0);
    requests.push({ path: line[1]!, body: rest.slice(headerEnd + 4, headerEnd + 4 + length) });
    rest = rest.slice(headerEnd + 4 + length);
  }
}

/** Writes recorded WebSocket client bytes to the gateway as they were and returns what it answered. */
function replayRaw(bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(gateway.port, "127.0.0.1", () => socket.write(bytes));
    const answer: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => answer.push(chunk));
    socket.on("close", () => resolve(eavesdrop(Buffer.concat(answer))));
    socket.on("error", () => undefined);
    socket.setTimeout(15_000, () => socket.destroy());
  });
}

it("a recording of a whole ws:// pairing holds no code, no bootstrap token in the routes, and replays to nothing", async () => {
  const created = await gateway.call("pairing.createCode", {});
  const keystore = new Keystore({ service: newKeychainService() });
  const core = createCore({ keystore, timeoutMs: 5_000 });
  core.start();
  await core.waitFor((v) => v.state === "UNPAIRED" && v.activity === "idle");
  core.pair(proxy.url, created.code);
  const end = await core.waitFor((v) => v.state !== "PAIRING_IN_PROGRESS" && v.activity !== "starting", 30_000);
  expect(end.state).toBe("PAIRED_CONNECTED");
  core.stop();
  const trust = (await keystore.loadTrust())!;

  const connections = proxy.recorded();
  const routes = connections.filter((c) => c.fromClient.toString("latin1").startsWith("POST /ocmap-pairing/v2/"));
  const sockets = connections.filter((c) => c.fromClient.toString("latin1").startsWith("GET "));
  const routeText = routes.map((c) => `${c.fromClient.toString("latin1")}\n${c.fromServer.toString("latin1")}`);
  const socketText = sockets.map((c) => `${eavesdrop(c.fromClient)}\n${eavesdrop(c.fromServer)}`);
  const everything = [...routeText, ...socketText].join("\n");
  // Keep-alive connections interleave; replay in protocol order.
  const order = ["start", "confirm", "exchange"];
  const requests = routes
    .flatMap((c) => httpRequests(c.fromClient))
    .sort((x, y) => order.indexOf(x.path.split("/").at(-1)!) - order.indexOf(y.path.split("/").at(-1)!));
  expect(requests.map((r) => r.path)).toEqual([
    "/ocmap-pairing/v2/start",
    "/ocmap-pairing/v2/confirm",
    "/ocmap-pairing/v2/exchange",
  ]);
  expect(sockets.length).toBe(2); // the bootstrap connect (NOT_PAIRED) and the final one (kept as the session)

  for (const spelling of codeSpellings(created.code)) expect(everything.includes(spelling), spelling).toBe(false);

  // What the gateway's own connect frame carries, by its design: auth.bootstrapToken in clear (both bootstrap
  // connects), the device's signed identity, then NOT_PAIRED's requestId and hello-ok's device token.
  const connectFrames = socketText
    .flatMap((text) => text.split("\n"))
    .filter((line) => line.includes('"method":"connect"'))
    .map((line) => JSON.parse(line).params);
  expect(connectFrames).toHaveLength(2);
  const bootstrapToken = connectFrames[0].auth.bootstrapToken as string;
  expect(bootstrapToken.length).toBeGreaterThan(20);
  for (const frame of connectFrames) {
    expect(Object.keys(frame.auth)).toEqual(["bootstrapToken"]);
    expect(Object.keys(frame.device).sort()).toEqual(["id", "nonce", "publicKey", "signature", "signedAt"]);
    expect(frame.device.id).toBe(trust.deviceId);
  }
  expect(socketText.join("\n")).toContain(trust.deviceToken);
  // ...but the pairing routes never carry the bootstrap token: it travels sealed under the PAKE key.
  expect(routeText.join("\n").includes(bootstrapToken)).toBe(false);

  // Replaying the routes: /start would at best open a new session with keys the eavesdropper cannot know;
  // the confirm and the exchange are bound to a session that is finished.
  const devicesBefore = (await gateway.call("pairing.list", {})).devices.length;
  const replies: Record<string, number> = {};
  for (const request of requests) {
    const res = await fetch(`${gateway.httpUrl}${request.path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: request.body,
    });
    replies[request.path.split("/").at(-1)!] = res.status;
    const json = (await res.json()) as { ok: boolean; sealed?: unknown };
    // The code is used now, so even /start is refused; before, it would only have opened a fresh session.
    expect(json.ok).toBe(false);
    expect(json.sealed).toBeUndefined();
  }
  expect(replies.confirm).not.toBe(200);
  expect(replies.exchange).not.toBe(200);
  // Replaying the bootstrap connect byte for byte: the gateway's challenge is fresh, the signature is not.
  const answer = await replayRaw(sockets[0]!.fromClient);
  expect(answer).not.toContain('"ok":true');
  expect((await gateway.call("pairing.list", {})).devices.length).toBe(devicesBefore);
});
