// The cheap checks every unauthenticated pairing route runs before anything else. A request that
// fails them cannot be a guess (no code was tried): it is what any web page can send across
// origins (another method, a form or text/plain body), so it is refused with INVALID_REQUEST and
// never counted toward the failure limits; otherwise a page the operator visits could pause
// pairing for everyone.
import type { IncomingMessage } from "node:http";
import { readJsonBodyWithLimit } from "openclaw/plugin-sdk/webhook-request-guards";
import { MAX_BODY_BYTES } from "@ocmap/protocol/pairing-protocol";
import { fail } from "./errors.ts";

/** Throws INVALID_REQUEST (not to be counted) unless this is a POST of plain JSON of a sane size. */
export function assertPlausibleRequest(req: IncomingMessage): void {
  if (req.method !== "POST") throw fail("INVALID_REQUEST", `method ${String(req.method).slice(0, 16)}`);
  if (!isPlainJson(req.headers["content-type"])) throw fail("INVALID_REQUEST", "content type");
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) throw fail("INVALID_REQUEST", "body too large");
}

/** The parsed JSON body (after assertPlausibleRequest); a bad body is INVALID_REQUEST. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  // 5 s like the SDK's own pre-auth profile: a stalled unauthenticated body must not hold a socket long.
  const bodyResult = await readJsonBodyWithLimit(req, {
    maxBytes: MAX_BODY_BYTES,
    timeoutMs: 5_000,
    destroyOnLimit: false,
    emptyObjectOnEmpty: false,
  });
  if (!bodyResult.ok) throw fail("INVALID_REQUEST", `body: ${bodyResult.code}`);
  return bodyResult.value;
}

/**
 * The contract's `Content-Type: application/json`, optionally `; charset=utf-8`, and nothing else:
 * the body is always read as UTF-8, so another declared charset (or a `+json` type) is refused
 * rather than read as something the client did not say it sent.
 */
function isPlainJson(header: string | undefined): boolean {
  return /^\s*application\/json\s*(?:;\s*charset\s*=\s*(?:"utf-8"|utf-8)\s*)?$/i.test(header ?? "");
}
