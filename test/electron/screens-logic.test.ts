// The screens' pure logic (unit tests): what a paste holds, which field an error belongs to, loopback vs LAN for the
// ws:// warning, how an unreachable gateway is told apart (real sockets on loopback), what hello-ok says, and which
// Control UI addresses the main process may open.
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { ClientError } from "../../src/core/client-errors.std.ts";
import { controlUiUrlOf, gatewayInfoOf } from "../../src/core/gateway-info.std.ts";
import { postPairing } from "../../src/core/pairing-http.node.ts";
import { isLoopbackHost } from "../../src/core/private-host.std.ts";
import { reachKindOf, reachSentence } from "../../src/core/reach-failure.std.ts";
import { allowedExternalUrl } from "../../src/main/external-links.std.ts";
import { readPastedText } from "../../src/renderer/code-input.std.ts";
import { errorField, errorSentence } from "../../src/renderer/error-text.std.ts";
import { describeAccess } from "../../src/renderer/format.std.ts";

const held: Socket[] = [];
const servers: Server[] = [];
afterAll(() => {
  for (const socket of held) socket.destroy();
  for (const server of servers) server.close();
});

describe("pasted text", () => {
  it("pulls the one code out of a sentence", () => {
    expect(readPastedText("Code: 9BN6-5P3C")).toEqual({ kind: "code", code: "9BN6-5P3C" });
    expect(readPastedText("CODE 9BN6-5P3C")).toEqual({ kind: "code", code: "9BN6-5P3C" });
    expect(readPastedText("Your code is 9bn6 5p3c, valid 5 min")).toEqual({ kind: "code", code: "9BN6-5P3C" });
    expect(readPastedText("pairing code:\n  9BN65P3C\n")).toEqual({ kind: "code", code: "9BN6-5P3C" });
  });

  it("leaves a bare code to the field's formatting, and refuses to guess between two codes", () => {
    expect(readPastedText("9bn65p3c").kind).toBe("other");
    expect(readPastedText("9BN6-5P3C").kind).toBe("other");
    expect(readPastedText("1234-5678 or 2345-6789").kind).toBe("other");
    expect(readPastedText("hello world").kind).toBe("other");
  });

  it("reads an ocmap:// link, alone or in a sentence, and says why a bad one is refused", () => {
    const link = "ocmap://pair?gateway=ws%3A%2F%2F192.168.1.10%3A18789&code=9BN6-5P3C";
    for (const text of [link, `Open ${link} to pair`])
      expect(readPastedText(text)).toEqual({
        kind: "link",
        link: { host: "192.168.1.10:18789", gatewayUrl: "ws://192.168.1.10:18789", code: "9BN6-5P3C", insecure: true },
      });
    const bad = readPastedText("ocmap://pair?gateway=ws%3A%2F%2Fevil.example.com&code=9BN6-5P3C");
    expect(bad.kind).toBe("bad-link");
  });
});

describe("errors and warnings", () => {
  it("puts each pairing error at the field to change", () => {
    expect(errorField("CODE_INVALID")).toBe("code");
    expect(errorField("RATE_LIMITED")).toBe("code");
    expect(errorField("GATEWAY_UNREACHABLE")).toBe("gateway");
    expect(errorField("TIMEOUT")).toBe("gateway");
    expect(errorField("KEYCHAIN_LOCKED")).toBe("form");
  });

  it("says OCMAP keeps trying only where it does", () => {
    const error = { code: "GATEWAY_UNREACHABLE", reach: { kind: "refused" as const, host: "10.0.0.2", port: 18789 } };
    expect(errorSentence(error)).toMatch(/^Cannot reach 10\.0\.0\.2:18789: the connection was refused\./);
    expect(errorSentence(error)).not.toMatch(/keeps trying/);
    expect(errorSentence(error, { retrying: true })).toMatch(/OCMAP keeps trying\.$/);
  });

  it("tells loopback from the local network", () => {
    for (const host of ["localhost", "127.0.0.1", "127.8.9.1", "[::1]", "[::ffff:7f00:1]"])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ["192.168.1.10", "10.0.0.1", "[fe80::1]", "gw.local", "example.com"])
      expect(isLoopbackHost(host), host).toBe(false);
  });
});

describe("why a gateway could not be reached (real sockets on loopback)", () => {
  it("kinds from error codes along the cause chain", () => {
    expect(reachKindOf({ cause: { code: "ENOTFOUND" } })).toBe("dns");
    expect(reachKindOf({ cause: { code: "EAI_AGAIN" } })).toBe("dns");
    expect(reachKindOf(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe("refused");
    expect(reachKindOf({ cause: { code: "UND_ERR_CONNECT_TIMEOUT" } })).toBe("timeout");
    expect(reachKindOf({ name: "TimeoutError" })).toBe("timeout");
    expect(reachKindOf({ cause: { code: "ENETUNREACH" } })).toBe("network");
    expect(reachSentence({ kind: "dns", host: "gw.example", port: 443 })).toMatch(/gw\.example:443: no such host/);
  });

  it("a pairing request to a port nobody listens on is refused, to a silent one times out, naming both", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const closed = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const refused = await postPairing(`http://127.0.0.1:${closed}/x`, {}, { timeoutMs: 2_000 }).catch((e) => e);
    expect(refused).toBeInstanceOf(ClientError);
    expect(refused.info().reach).toEqual({ kind: "refused", host: "127.0.0.1", port: closed });

    const silent = createServer((socket) => held.push(socket));
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    const timedOut = await postPairing(`http://127.0.0.1:${port}/x`, {}, { timeoutMs: 300 }).catch((e) => e);
    expect(timedOut.code).toBe("TIMEOUT");
    expect(timedOut.info().reach).toEqual({ kind: "timeout", host: "127.0.0.1", port });
    expect(timedOut.message).toContain(`127.0.0.1:${port}`);
  });
});

describe("what the connected screen shows", () => {
  it("reads access, version, health and the Control UI from hello-ok, never the token", () => {
    const info = gatewayInfoOf({
      server: { version: "2026.9.6" },
      snapshot: { health: { ok: true }, uptimeMs: 60_000 },
      auth: { role: "operator", scopes: ["operator.read"], deviceToken: "SECRET-TOKEN" },
    });
    expect(info).toEqual({
      access: { role: "operator", scopes: ["operator.read"] },
      version: "2026.9.6",
      health: { status: "ok", uptimeMs: 60_000 },
      controlUiUrl: null,
    });
    expect(JSON.stringify(info)).not.toContain("SECRET");
    expect(gatewayInfoOf({ controlUiUrl: "javascript:alert(1)" }).controlUiUrl).toBeNull();
    expect(gatewayInfoOf(null).health.status).toBe("unknown");
    expect(describeAccess({ role: "operator", scopes: ["operator.read"] }).level).toBe("Read-only access");
  });

  it("opens only a paired gateway's own Control UI origin besides the docs", () => {
    const controlUi = controlUiUrlOf("wss://gw.example.com:8443", null)!;
    expect(controlUi).toBe("https://gw.example.com:8443/");
    expect(controlUiUrlOf("ws://127.0.0.1:18789/ws", null)).toBe("http://127.0.0.1:18789/");
    expect(allowedExternalUrl("https://gw.example.com:8443/devices", [controlUi])).toBe(
      "https://gw.example.com:8443/devices",
    );
    expect(allowedExternalUrl("https://gw.example.com:8444/", [controlUi])).toBeNull();
    expect(allowedExternalUrl("https://user:pw@gw.example.com:8443/", [controlUi])).toBeNull();
    expect(allowedExternalUrl("https://gw.example.com:8443/")).toBeNull();
  });
});
