// The appendix "OCMAP-layer test vectors" of docs/pairing-protocol.md, read from the doc itself and recomputed
// from its fixed inputs by the real code (the client's and the plugin's PAKE steps, the key schedule, the sealed
// grant, the MACs, the device's exchange signature), so the doc and the code cannot drift apart. The CPace layer
// under it is checked against the draft's own vectors in cpace.test.ts.
import { readFileSync } from "node:fs";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { toBase64Url } from "@ocmap/protocol/base64url";
import {
  CPACE_DSI,
  calculateGenerator,
  cpaceFinishIr,
  generatorString,
  sampleScalar,
  scalarMultVfy,
} from "@ocmap/protocol/cpace";
import { parsePairingCode } from "@ocmap/protocol/pairing-code";
import {
  abandonMac,
  derivePairingKeys,
  exchangeMac,
  openSealedJson,
  sealJson,
  type PairingKeys,
} from "@ocmap/protocol/pairing-keys";
import { exchangeSignaturePayload } from "@ocmap/protocol/pairing-protocol";
import {
  CPACE_CI,
  clientConfirmationValid,
  clientPake,
  serverConfirmation,
  serverConfirmationValid,
  serverPake,
} from "@ocmap/protocol/pairing-v2";
import { verifyEd25519 } from "../../gateway-plugin/src/crypto.ts";
import { deviceIdOf, exchangeProof } from "../../src/core/identity.node.ts";
import * as ed from "@noble/ed25519";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha512 } from "@noble/hashes/sha2.js";

const APPENDIX = "## Appendix: OCMAP-layer test vectors";

/** Every `name = value` line of the appendix's code blocks; an indented line continues the value above it. */
function appendixValues(): Map<string, string> {
  const doc = readFileSync("docs/pairing-protocol.md", "utf8");
  const start = doc.indexOf(APPENDIX);
  if (start < 0) throw new Error(`docs/pairing-protocol.md has no "${APPENDIX}"`);
  const section = doc.slice(start).split(/\n## /)[0]!;
  const values = new Map<string, string>();
  let last: string | undefined;
  for (const block of section.split("```").filter((_, index) => index % 2 === 1)) {
    for (const line of block.split("\n").slice(1)) {
      if (!line.trim()) continue;
      const named = /^([A-Za-z][\w.]*)\s+= (.*)$/.exec(line);
      if (named) {
        if (values.has(named[1]!)) throw new Error(`${named[1]} is given twice`);
        values.set((last = named[1]!), named[2]!);
      } else if (/^\s+\S/.test(line) && last) values.set(last, values.get(last)! + line.trim());
      else throw new Error(`not a vector line: ${line}`);
    }
  }
  return values;
}

const hex = (bytes: Uint8Array) => bytesToHex(bytes);

/** Recomputes every output from the doc's inputs with the real code; returns name → value. */
function recompute(given: Map<string, string>): Map<string, string> {
  const input = (name: string) => {
    const value = given.get(name);
    if (value === undefined) throw new Error(`input ${name} missing from the appendix`);
    return value;
  };
  const parsed = parsePairingCode(input("code"));
  if (!parsed.ok) throw new Error(`the appendix's code does not parse: ${parsed.reason}`);
  const prs = utf8ToBytes(parsed.code);
  const sid = hexToBytes(input("sid"));
  const scalarA = hexToBytes(input("ya_bytes"));
  const scalarB = hexToBytes(input("yb_bytes"));
  const sessionId = toBase64Url(hexToBytes(input("sessionId_bytes")));

  const client = clientPake(parsed.code, { sid, scalar: scalarA });
  const server = serverPake(parsed.code, client.request, sessionId, scalarB);
  const finished = client.finish({ sessionId, share: server.share });
  const ya = Buffer.from(client.request.share, "base64url");
  const yb = Buffer.from(server.share, "base64url");
  const adaText = client.request.discriminator;
  const isk = cpaceFinishIr({
    sid,
    ownScalar: sampleScalar(scalarA),
    peerShare: yb,
    ya,
    ada: utf8ToBytes(adaText),
    yb,
    adb: utf8ToBytes(sessionId),
  });
  // The ISK listed is the one both real PAKE steps used: its keys are theirs.
  const keys: PairingKeys = derivePairingKeys(isk);
  expect(finished.keys).toEqual(keys);
  expect(server.keys).toEqual(keys);

  const out = new Map<string, string>();
  const put = (name: string, value: string) => out.set(name, value);
  put("prs", hex(prs));
  put("ci", hex(CPACE_CI));
  put("generator_string", hex(generatorString(CPACE_DSI, prs, CPACE_CI, sid)));
  put("g", hex(calculateGenerator(prs, CPACE_CI, sid).toBytes()));
  put("start.discriminator", adaText);
  put("start.sid", client.request.sid);
  put("start.share", client.request.share);
  put("ADa", hex(utf8ToBytes(adaText)));
  put("sessionId", sessionId);
  put("ADb", hex(utf8ToBytes(sessionId)));
  put("Ya", hex(ya));
  put("Yb", hex(yb));
  put("K", hex(scalarMultVfy(sampleScalar(scalarA), yb)));
  put("ISK", hex(isk));
  put("k_client_confirm", hex(keys.clientConfirm));
  put("k_server_confirm", hex(keys.serverConfirm));
  put("k_seal", hex(keys.seal));
  put("k_exchange", hex(keys.exchange));
  put("confirm.client", finished.confirm);
  put("confirm.server", serverConfirmation(keys, sessionId));
  expect(clientConfirmationValid(keys, sessionId, finished.confirm)).toBe(true);
  expect(serverConfirmationValid(keys, sessionId, out.get("confirm.server"))).toBe(true);

  const grantJson = input("grant_json");
  const grant = JSON.parse(grantJson) as unknown;
  expect(JSON.stringify(grant), "grant_json is the exact JSON.stringify of the grant").toBe(grantJson);
  const sealed = sealJson(keys, sessionId, grant, hexToBytes(input("seal_nonce")));
  put("sealed", sealed);
  expect(openSealedJson(keys, sessionId, sealed)).toEqual(grant);
  const nonce = (grant as { nonce: string }).nonce;

  const seed = hexToBytes(input("device_seed"));
  const publicKey = toBase64Url(ed.getPublicKey(seed));
  const identity = { deviceId: deviceIdOf(publicKey), publicKey, privateKey: toBase64Url(seed) };
  put("device.publicKey", publicKey);
  put("device.id", identity.deviceId);
  const requestId = input("requestId");
  const signedAt = Number(input("signedAt"));
  for (const [suffix, withRequest] of [
    ["", requestId],
    ["_without_requestId", undefined],
  ] as const) {
    const proof = exchangeProof(identity, { nonce, signedAt, ...(withRequest ? { requestId: withRequest } : {}) });
    const payload = exchangeSignaturePayload({
      nonce,
      requestId: withRequest ?? "",
      id: proof.id,
      publicKey,
      signedAt,
    });
    expect(verifyEd25519(publicKey, payload, proof.signature), "the plugin verifies it").toBe(true);
    put(`signature_payload${suffix}`, payload);
    put(`device.signature${suffix}`, proof.signature);
    const macFields = { sessionId, requestId: withRequest ?? "", deviceId: proof.id, publicKey };
    put(`mac.exchange${suffix}`, exchangeMac(keys, macFields));
  }
  put("mac.abandon", abandonMac(keys, sessionId));
  return out;
}

const INPUTS = ["code", "sid", "ya_bytes", "yb_bytes", "sessionId_bytes", "grant_json", "seal_nonce"];
const MORE_INPUTS = ["device_seed", "requestId", "signedAt"];

describe("OCMAP-layer test vectors (docs/pairing-protocol.md appendix)", () => {
  const given = appendixValues();

  it("every output in the appendix is what the real code computes from its inputs", () => {
    const computed = recompute(given);
    const listed = new Map([...given].filter(([name]) => ![...INPUTS, ...MORE_INPUTS].includes(name)));
    const lines = (map: Map<string, string>) => [...map].map(([name, value]) => `${name} = ${value}`);
    // On a mismatch the expected side is the block to paste (values unwrapped).
    expect(lines(listed).sort()).toEqual(lines(computed).sort());
  });

  it("the inputs are the fixed ones the appendix names, and nothing else is in it", () => {
    for (const name of [...INPUTS, ...MORE_INPUTS]) expect(given.has(name), name).toBe(true);
    expect(given.size).toBe(INPUTS.length + MORE_INPUTS.length + recompute(given).size);
  });

  it("the doc's table of HKDF info labels is byte for byte what the key schedule uses", () => {
    const doc = readFileSync("docs/pairing-protocol.md", "utf8");
    const rows = [...doc.matchAll(/^\| `(k_\w+)` \| `([a-z ]+)` \((\d+) bytes\) \| `([0-9a-f]+)` \|$/gm)];
    expect(rows.map((row) => row[1])).toEqual(["k_cc", "k_sc", "k_seal", "k_ex"]);
    const isk = hexToBytes(given.get("ISK")!.replace(/\s/g, ""));
    const derived = rows.map(([, , label, length, bytes]) => {
      expect(hex(utf8ToBytes(label!))).toBe(bytes);
      expect(utf8ToBytes(label!).length).toBe(Number(length));
      return hkdf(sha512, isk, utf8ToBytes("ocmap-pairing-v2"), hexToBytes(bytes!), 32);
    });
    const keys = derivePairingKeys(isk);
    expect(derived).toEqual([keys.clientConfirm, keys.serverConfirm, keys.seal, keys.exchange]);
  });
});
