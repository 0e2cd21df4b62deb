// CPace (draft-irtf-cfrg-cpace-21) over ristretto255 with SHA-512: the balanced PAKE keyed by the pairing code.
// Names follow the draft: PRS (the password), CI (channel identifier), sid (session id), ADa/ADb (associated
// data), Ya/Yb (public shares), K (the shared point), ISK (intermediate session key). Checked byte for byte
// against the draft's ristretto255 test vectors in test/protocol/cpace.test.ts.
import { ristretto255, ristretto255_hasher } from "@noble/curves/ed25519.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { concatBytes, randomBytes, utf8ToBytes } from "@noble/hashes/utils.js";

const RistrettoPoint = ristretto255.Point;
type RistrettoPoint = InstanceType<typeof RistrettoPoint>;

export const CPACE_DSI = utf8ToBytes("CPaceRistretto255");
const DSI_ISK = utf8ToBytes("CPaceRistretto255_ISK");
/** SHA-512's input block size (H.s_in_bytes). */
const SHA512_BLOCK_BYTES = 128;
const FIELD_SIZE_BYTES = 32;
const GROUP_SIZE_BITS = 252;
export const SHARE_BYTES = 32;

/** The failure of a CPace step; `reason` says which check failed (never carries secret material). */
export class CpaceError extends Error {
  constructor(readonly reason: "SHARE_INVALID" | "SHARE_IDENTITY" | "SCALAR_INVALID") {
    super(`CPace: ${reason}`);
    this.name = "CpaceError";
  }
}

/** The draft's prepend_len: the LEB128 encoding of the length, then the data. */
export function prependLen(data: Uint8Array): Uint8Array {
  const lengthBytes: number[] = [];
  let length = data.length;
  do {
    lengthBytes.push(length < 128 ? length : (length & 0x7f) + 0x80);
    length >>>= 7;
  } while (length !== 0);
  return concatBytes(Uint8Array.from(lengthBytes), data);
}

/** The draft's lv_cat: prepend_len of every argument, concatenated. */
export function lvCat(...parts: Uint8Array[]): Uint8Array {
  return concatBytes(...parts.map(prependLen));
}

/** The draft's generator_string: DSI and PRS zero-padded to fill the first hash block, then CI and sid. */
export function generatorString(
  dsi: Uint8Array,
  prs: Uint8Array,
  ci: Uint8Array,
  sid: Uint8Array,
  blockBytes = SHA512_BLOCK_BYTES,
): Uint8Array {
  const zeroPadLength = Math.max(0, blockBytes - 1 - prependLen(prs).length - prependLen(dsi).length);
  return lvCat(dsi, prs, new Uint8Array(zeroPadLength), ci, sid);
}

/** G.calculate_generator: SHA-512 of the generator string (64 bytes), then ristretto255's element derivation. */
export function calculateGenerator(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): RistrettoPoint {
  const hashed = sha512(generatorString(CPACE_DSI, prs, ci, sid));
  if (hashed.length !== 2 * FIELD_SIZE_BYTES) throw new Error("unreachable: SHA-512 output is 64 bytes");
  return ristretto255_hasher.deriveToCurve!(hashed) as RistrettoPoint;
}

/** G.sample_scalar as RECOMMENDED: 32 random bytes, bits above 252 cleared, read little-endian. */
export function sampleScalar(random: Uint8Array = randomBytes(32)): bigint {
  if (random.length !== 32) throw new CpaceError("SCALAR_INVALID");
  const bytes = Uint8Array.from(random);
  bytes[31] = bytes[31]! & ((1 << (GROUP_SIZE_BITS - 248)) - 1);
  return scalarFromLittleEndian(bytes);
}

export function scalarFromLittleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let index = bytes.length - 1; index >= 0; index--) value = (value << 8n) | BigInt(bytes[index]!);
  return value;
}

/** G.scalar_mult: y·g, encoded. A zero scalar (probability 2^-252) is refused rather than sending the identity. */
export function scalarMult(scalar: bigint, generator: RistrettoPoint): Uint8Array {
  if (scalar <= 0n || scalar >= RistrettoPoint.Fn.ORDER) throw new CpaceError("SCALAR_INVALID");
  return generator.multiply(scalar).toBytes();
}

/**
 * G.scalar_mult_vfy with the draft's abort folded in: decodes the peer's share (canonical ristretto255 encoding
 * only) and returns the encoding of y·X. Throws SHARE_INVALID when X does not decode, SHARE_IDENTITY when the
 * result is the neutral element (the draft's "MUST abort if K = G.I"; for a prime-order group that is X = I).
 */
export function scalarMultVfy(scalar: bigint, encoded: Uint8Array): Uint8Array {
  if (encoded.length !== SHARE_BYTES) throw new CpaceError("SHARE_INVALID");
  let point: RistrettoPoint;
  try {
    point = RistrettoPoint.fromBytes(encoded);
  } catch {
    throw new CpaceError("SHARE_INVALID");
  }
  if (point.equals(RistrettoPoint.ZERO)) throw new CpaceError("SHARE_IDENTITY");
  const product = point.multiply(scalar);
  if (product.equals(RistrettoPoint.ZERO)) throw new CpaceError("SHARE_IDENTITY");
  return product.toBytes();
}

/** The draft's transcript_ir: the initiator's share and AD first, then the responder's. */
export function transcriptIr(ya: Uint8Array, ada: Uint8Array, yb: Uint8Array, adb: Uint8Array): Uint8Array {
  return concatBytes(lvCat(ya, ada), lvCat(yb, adb));
}

/** The draft's transcript_oc (parallel setting): "oc" then the two lv_cat blocks, larger first. */
export function transcriptOc(ya: Uint8Array, ada: Uint8Array, yb: Uint8Array, adb: Uint8Array): Uint8Array {
  const first = lvCat(ya, ada);
  const second = lvCat(yb, adb);
  const ordered = lexicographicallyLarger(first, second) ? [first, second] : [second, first];
  return concatBytes(utf8ToBytes("oc"), ...ordered);
}

export function lexicographicallyLarger(left: Uint8Array, right: Uint8Array): boolean {
  const shared = Math.min(left.length, right.length);
  for (let index = 0; index < shared; index++) {
    if (left[index] !== right[index]) return left[index]! > right[index]!;
  }
  return left.length > right.length;
}

/** ISK = H(lv_cat(DSI || "_ISK", sid, K) || transcript). */
export function intermediateSessionKey(sid: Uint8Array, sharedPoint: Uint8Array, transcript: Uint8Array) {
  return sha512(concatBytes(lvCat(DSI_ISK, sid, sharedPoint), transcript));
}

export interface CpaceInputs {
  /** The password-related string: for OCMAP the normalized 8-symbol code as UTF-8. */
  prs: Uint8Array;
  ci: Uint8Array;
  sid: Uint8Array;
}

export interface CpaceOwnShare {
  scalar: bigint;
  share: Uint8Array;
}

/** One side's first step: a fresh scalar (or `randomScalarBytes` for tests) and its public share. */
export function cpaceStart(inputs: CpaceInputs, randomScalarBytes?: Uint8Array): CpaceOwnShare {
  const scalar = sampleScalar(randomScalarBytes);
  return { scalar, share: scalarMult(scalar, calculateGenerator(inputs.prs, inputs.ci, inputs.sid)) };
}

/**
 * The initiator-responder ISK (transcript_ir). OCMAP always has the client as initiator A (its share goes
 * first, in `/start`) and the plugin as responder B, so both sides call this with the same argument order.
 */
export function cpaceFinishIr(inputs: {
  sid: Uint8Array;
  ownScalar: bigint;
  peerShare: Uint8Array;
  ya: Uint8Array;
  ada: Uint8Array;
  yb: Uint8Array;
  adb: Uint8Array;
}): Uint8Array {
  const sharedPoint = scalarMultVfy(inputs.ownScalar, inputs.peerShare);
  return intermediateSessionKey(inputs.sid, sharedPoint, transcriptIr(inputs.ya, inputs.ada, inputs.yb, inputs.adb));
}
