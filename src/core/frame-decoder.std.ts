// Incoming frames are hostile until proven otherwise: bounded size, valid JSON, a known frame shape.
import { isGatewayEventFrame, isGatewayResponseFrame } from "@openclaw/gateway-protocol/frame-guards";
import type { EventFrame, ResponseFrame } from "@openclaw/gateway-protocol/frame-guards";

export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

export type DecodedFrame =
  | { ok: true; frame: ({ type: "event" } & EventFrame) | ({ type: "res" } & ResponseFrame) }
  | { ok: false; reason: "too-large" | "not-json" | "not-a-frame" };

export function decodeFrame(data: string | Uint8Array, maxBytes = MAX_FRAME_BYTES): DecodedFrame {
  const size = typeof data === "string" ? data.length * 3 : data.byteLength; // utf-8 upper bound for strings
  if (size > maxBytes && (typeof data !== "string" || new TextEncoder().encode(data).byteLength > maxBytes)) {
    return { ok: false, reason: "too-large" };
  }
  let value: unknown;
  try {
    value = JSON.parse(typeof data === "string" ? data : new TextDecoder("utf-8", { fatal: true }).decode(data));
  } catch {
    return { ok: false, reason: "not-json" };
  }
  if (isGatewayEventFrame(value)) return { ok: true, frame: value as { type: "event" } & EventFrame };
  if (isGatewayResponseFrame(value)) return { ok: true, frame: value as { type: "res" } & ResponseFrame };
  return { ok: false, reason: "not-a-frame" };
}
