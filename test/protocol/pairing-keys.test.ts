// The v2 key schedule, confirmations, sealing and exchange MAC (unit tests of packages/protocol, no network).
import { describe, expect, it } from "vitest";
import { fromBase64Url, toBase64Url } from "@ocmap/protocol/base64url";
import { CpaceError } from "@ocmap/protocol/cpace";
import {
  abandonMac,
  derivePairingKeys,
  exchangeMac,
  openSealedJson,
  sealJson,
  tagMatches,
} from "@ocmap/protocol/pairing-keys";
import {
  clientConfirmationValid,
  clientPake,
  serverConfirmation,
  serverConfirmationValid,
  serverPake,
} from "@ocmap/protocol/pairing-v2";

const CODE = "AB3D5FG7";
const pair = (clientCode: string, serverCode: string, sessionId = "sess-1") => {
  const client = clientPake(clientCode);
  const server = serverPake(serverCode, client.request, sessionId);
  const clientSide = client.finish({ sessionId, share: server.share });
  return { client, server, clientSide, sessionId };
};

describe("pairing v2 key schedule", () => {
  it("same code: the plugin accepts the client's confirmation and the client the plugin's", () => {
    const { server, clientSide, sessionId, client } = pair(CODE, CODE);
    expect(client.request.discriminator).toBe("AB");
    expect(JSON.stringify(client.request)).not.toContain(CODE.slice(2));
    expect(clientConfirmationValid(server.keys, sessionId, clientSide.confirm)).toBe(true);
    expect(serverConfirmationValid(clientSide.keys, sessionId, serverConfirmation(server.keys, sessionId))).toBe(true);
  });

  it("wrong code (one symbol): the confirmation fails on both sides", () => {
    const { server, clientSide, sessionId } = pair(CODE, "AB3D5FG8");
    expect(clientConfirmationValid(server.keys, sessionId, clientSide.confirm)).toBe(false);
    expect(serverConfirmationValid(clientSide.keys, sessionId, serverConfirmation(server.keys, sessionId))).toBe(false);
  });

  it("a confirmation is bound to its session id and role", () => {
    const { server, clientSide, sessionId } = pair(CODE, CODE);
    expect(clientConfirmationValid(server.keys, "sess-2", clientSide.confirm)).toBe(false);
    expect(serverConfirmationValid(clientSide.keys, sessionId, clientSide.confirm)).toBe(false);
  });

  it("the keys differ per purpose", () => {
    const keys = derivePairingKeys(new Uint8Array(64).fill(1));
    const all = Object.values(keys).map((key) => toBase64Url(key));
    expect(new Set(all).size).toBe(4);
    expect(keys.seal.length).toBe(32);
  });

  it("sealed grant opens with the right key and session only, and not after any change", () => {
    const { server, clientSide, sessionId } = pair(CODE, CODE);
    const grant = { bootstrapToken: "secret-bootstrap", scopes: ["operator.read"] };
    const sealed = sealJson(server.keys, sessionId, grant);
    expect(sealed).not.toContain("secret");
    expect(openSealedJson(clientSide.keys, sessionId, sealed)).toEqual(grant);
    expect(openSealedJson(clientSide.keys, "other", sealed)).toBeUndefined();
    expect(openSealedJson(pair(CODE, CODE).clientSide.keys, sessionId, sealed)).toBeUndefined();
    const bytes = fromBase64Url(sealed)!;
    bytes[bytes.length - 1]! ^= 1;
    expect(openSealedJson(clientSide.keys, sessionId, toBase64Url(bytes))).toBeUndefined();
    expect(openSealedJson(clientSide.keys, sessionId, "!!")).toBeUndefined();
    expect(openSealedJson(clientSide.keys, sessionId, 42)).toBeUndefined();
  });

  it("the exchange MAC binds sessionId, requestId, device id and public key", () => {
    const { server, clientSide, sessionId } = pair(CODE, CODE);
    const fields = { sessionId, requestId: "req-1", deviceId: "dev-1", publicKey: "pk-1" };
    const mac = exchangeMac(clientSide.keys, fields);
    expect(tagMatches(exchangeMac(server.keys, fields), mac)).toBe(true);
    for (const name of Object.keys(fields) as (keyof typeof fields)[]) {
      expect(tagMatches(exchangeMac(server.keys, { ...fields, [name]: "x" }), mac)).toBe(false);
    }
    expect(tagMatches(abandonMac(server.keys, sessionId), abandonMac(clientSide.keys, sessionId))).toBe(true);
    expect(tagMatches(abandonMac(server.keys, sessionId), mac)).toBe(false);
    expect(tagMatches(mac, undefined)).toBe(false);
    expect(tagMatches(mac, mac.slice(1))).toBe(false);
  });

  it("malformed or identity shares are refused with CpaceError", () => {
    const client = clientPake(CODE);
    const zero = toBase64Url(new Uint8Array(32));
    expect(() => serverPake(CODE, { ...client.request, share: zero }, "s")).toThrow(CpaceError);
    expect(() => serverPake(CODE, { ...client.request, share: "short" }, "s")).toThrow(CpaceError);
    expect(() => serverPake(CODE, { ...client.request, sid: 5 }, "s")).toThrow(CpaceError);
    expect(() => client.finish({ sessionId: "s", share: zero })).toThrow(CpaceError);
    expect(() => client.finish({ sessionId: "s", share: toBase64Url(new Uint8Array(32).fill(255)) })).toThrow(
      CpaceError,
    );
  });
});

describe("base64url", () => {
  it("round-trips every length and rejects non-canonical text", () => {
    for (let length = 0; length < 40; length++) {
      const bytes = Uint8Array.from({ length }, (_, index) => (index * 37 + length) & 255);
      const text = toBase64Url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString("base64url"));
      expect(fromBase64Url(text)).toEqual(bytes);
    }
    expect(fromBase64Url("AB")).toBeUndefined(); // non-zero trailing bits
    expect(fromBase64Url("AA==")).toBeUndefined();
    expect(fromBase64Url("A")).toBeUndefined();
    expect(fromBase64Url("AA+/")).toBeUndefined();
    expect(fromBase64Url("AAAA", 2)).toBeUndefined();
  });
});
