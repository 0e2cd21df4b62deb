// CPace against the draft's published ristretto255 + SHA-512 vectors (see cpace-vectors.json "_source").
import { sha512 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import {
  CPACE_DSI,
  CpaceError,
  calculateGenerator,
  cpaceFinishIr,
  cpaceStart,
  generatorString,
  intermediateSessionKey,
  lexicographicallyLarger,
  lvCat,
  prependLen,
  sampleScalar,
  scalarFromLittleEndian,
  scalarMult,
  scalarMultVfy,
  transcriptIr,
  transcriptOc,
} from "@ocmap/protocol/cpace";
import vectors from "./cpace-vectors.json" with { type: "json" };

const hex = (value: string) => hexToBytes(value);
const prs = hex(vectors.PRS);
const ci = hex(vectors.CI);
const sid = hex(vectors.sid);
let bytesCompared = 0;
const expectBytes = (actual: Uint8Array, expected: string) => {
  expect(bytesToHex(actual)).toBe(expected);
  bytesCompared += actual.length;
};

describe("CPace ristretto255/SHA-512, draft-irtf-cfrg-cpace-21 vectors", () => {
  it("string utilities match the draft's prepend_len, lv_cat, o_cat and transcript vectors", () => {
    expectBytes(prependLen(new Uint8Array()), "00");
    expectBytes(prependLen(utf8ToBytes("1234")), "0431323334");
    const range = (count: number) => Uint8Array.from({ length: count }, (_, index) => index);
    expect(bytesToHex(prependLen(range(127))).slice(0, 4)).toBe("7f00");
    expect(bytesToHex(prependLen(range(128))).slice(0, 6)).toBe("800100");
    expect(prependLen(range(128)).length).toBe(130);
    const parts = ["1234", "5", "", "678"].map((text) => utf8ToBytes(text));
    expectBytes(lvCat(...parts), "043132333401350003363738");
    const bytes = (...values: number[]) => Uint8Array.from(values);
    expect(lexicographicallyLarger(bytes(0), bytes(0, 0))).toBe(false);
    expect(lexicographicallyLarger(bytes(1), bytes(0, 0))).toBe(true);
    expect(lexicographicallyLarger(bytes(0, 0), bytes(0))).toBe(true);
    expect(lexicographicallyLarger(bytes(0, 1), bytes(1))).toBe(false);
    const [sidA, partyA, sidB, partyB] = ["123", "PartyA", "234", "PartyB"].map((text) => utf8ToBytes(text));
    expectBytes(transcriptIr(sidA!, partyA!, sidB!, partyB!), "03313233065061727479410332333406506172747942");
    expectBytes(transcriptOc(sidA!, partyA!, sidB!, partyB!), "6f6303323334065061727479420331323306506172747941");
  });

  it("generator string (with its 100 zero bytes of padding), its hash and the generator", () => {
    expectBytes(generatorString(CPACE_DSI, prs, ci, sid), vectors.generator_string);
    expectBytes(sha512(generatorString(CPACE_DSI, prs, ci, sid)), vectors.hash_result);
    expectBytes(calculateGenerator(prs, ci, sid).toBytes(), vectors.g);
  });

  it("shares Ya and Yb from the draft's scalars ya and yb", () => {
    const generator = calculateGenerator(prs, ci, sid);
    expectBytes(scalarMult(scalarFromLittleEndian(hex(vectors.ya)), generator), vectors.Ya);
    expectBytes(scalarMult(scalarFromLittleEndian(hex(vectors.yb)), generator), vectors.Yb);
    // sample_scalar leaves these (already < 2^252) unchanged.
    expect(sampleScalar(hex(vectors.ya))).toBe(scalarFromLittleEndian(hex(vectors.ya)));
    expectBytes(cpaceStart({ prs, ci, sid }, hex(vectors.ya)).share, vectors.Ya);
  });

  it("K on both sides, ISK initiator/responder and ISK ordered-concatenation, session id outputs", () => {
    const ya = scalarFromLittleEndian(hex(vectors.ya));
    const yb = scalarFromLittleEndian(hex(vectors.yb));
    expectBytes(scalarMultVfy(ya, hex(vectors.Yb)), vectors.K);
    expectBytes(scalarMultVfy(yb, hex(vectors.Ya)), vectors.K);
    const [Ya, ADa, Yb, ADb] = [vectors.Ya, vectors.ADa, vectors.Yb, vectors.ADb].map(hex) as Uint8Array[];
    expectBytes(transcriptIr(Ya!, ADa!, Yb!, ADb!), vectors.transcript_ir);
    expectBytes(transcriptOc(Ya!, ADa!, Yb!, ADb!), vectors.transcript_oc);
    expectBytes(intermediateSessionKey(sid, hex(vectors.K), transcriptIr(Ya!, ADa!, Yb!, ADb!)), vectors.ISK_IR);
    expectBytes(intermediateSessionKey(sid, hex(vectors.K), transcriptOc(Ya!, ADa!, Yb!, ADb!)), vectors.ISK_SY);
    const sidOutput = (transcript: Uint8Array) =>
      sha512(new Uint8Array([...utf8ToBytes("CPaceSidOutput"), ...transcript]));
    expectBytes(sidOutput(transcriptIr(Ya!, ADa!, Yb!, ADb!)), vectors.sid_output_ir);
    expectBytes(sidOutput(transcriptOc(Ya!, ADa!, Yb!, ADb!)), vectors.sid_output_oc);
    const shared = { sid, ya: Ya!, ada: ADa!, yb: Yb!, adb: ADb! };
    expectBytes(cpaceFinishIr({ ...shared, ownScalar: ya, peerShare: Yb! }), vectors.ISK_IR);
    expectBytes(cpaceFinishIr({ ...shared, ownScalar: yb, peerShare: Ya! }), vectors.ISK_IR);
  });

  it("scalar_mult_vfy: the valid case, and both invalid inputs abort", () => {
    const scalar = scalarFromLittleEndian(hex(vectors.points.Valid.s));
    expectBytes(scalarMultVfy(scalar, hex(vectors.points.Valid.X)), vectors.points.Valid["G.scalar_mult_vfy(s,X)"]);
    expect(() => scalarMultVfy(scalar, hex(vectors.points["Invalid Y1"]))).toThrow(
      expect.objectContaining({ reason: "SHARE_INVALID" }),
    );
    expect(() => scalarMultVfy(scalar, hex(vectors.points["Invalid Y2"]))).toThrow(
      expect.objectContaining({ reason: "SHARE_IDENTITY" }),
    );
  });

  it("compared every published ristretto255 output byte", () => {
    // 170 + 64 + 32 + 32·2 + 32·3 + 74 + 76 + 64·2 + 64·2 + 64·2 + 32 (valid vfy) + string utilities
    expect(bytesCompared).toBeGreaterThanOrEqual(170 + 64 + 32 + 64 + 96 + 74 + 76 + 128 + 128 + 128 + 32);
    console.log(`CPace vectors: ${bytesCompared} bytes compared`);
  });
});

describe("CPace negative cases", () => {
  const inputs = { prs: utf8ToBytes("ABCD1234"), ci: utf8ToBytes("ocmap-test"), sid: new Uint8Array(16).fill(7) };
  const run = (clientPrs: Uint8Array, serverPrs: Uint8Array) => {
    const client = cpaceStart({ ...inputs, prs: clientPrs });
    const server = cpaceStart({ ...inputs, prs: serverPrs });
    const shared = {
      sid: inputs.sid,
      ya: client.share,
      ada: new Uint8Array(),
      yb: server.share,
      adb: new Uint8Array(),
    };
    return {
      client: cpaceFinishIr({ ...shared, ownScalar: client.scalar, peerShare: server.share }),
      server: cpaceFinishIr({ ...shared, ownScalar: server.scalar, peerShare: client.share }),
    };
  };

  it("same password → same ISK; wrong password → different ISK", () => {
    const same = run(inputs.prs, inputs.prs);
    expect(bytesToHex(same.client)).toBe(bytesToHex(same.server));
    const wrong = run(inputs.prs, utf8ToBytes("ABCD1235"));
    expect(bytesToHex(wrong.client)).not.toBe(bytesToHex(wrong.server));
  });

  it("fresh scalars give fresh shares and ISKs", () => {
    expect(bytesToHex(run(inputs.prs, inputs.prs).client)).not.toBe(bytesToHex(run(inputs.prs, inputs.prs).client));
  });

  it("rejects the identity, non-canonical and wrong-length encodings", () => {
    const scalar = sampleScalar();
    const reject = (encoded: Uint8Array, reason: string) =>
      expect(() => scalarMultVfy(scalar, encoded)).toThrow(expect.objectContaining({ reason }));
    reject(new Uint8Array(32), "SHARE_IDENTITY");
    reject(new Uint8Array(31), "SHARE_INVALID");
    reject(new Uint8Array(33), "SHARE_INVALID");
    reject(new Uint8Array(32).fill(0xff), "SHARE_INVALID");
    const generatorBytes = calculateGenerator(inputs.prs, inputs.ci, inputs.sid).toBytes();
    const negative = Uint8Array.from(generatorBytes);
    negative[0] = negative[0]! | 1; // ristretto255 encodings must be non-negative (even)
    reject(negative, "SHARE_INVALID");
    expect(new CpaceError("SHARE_INVALID").message).not.toMatch(/ABCD/);
  });

  it("sample_scalar clears the bits above 252", () => {
    expect(sampleScalar(new Uint8Array(32).fill(0xff)) < 1n << 252n).toBe(true);
    expect(() => sampleScalar(new Uint8Array(31))).toThrow(CpaceError);
  });
});
