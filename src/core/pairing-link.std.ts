// `ocmap://pair?gateway=<url-encoded ws(s) URL>&code=<XXXX-XXXX>`: fills the pairing form. The
// caller still shows the host and asks before pairing; parsing a link never pairs by itself.
import { parsePairingCode } from "@ocmap/protocol/pairing-code";
import { parseGatewayUrl } from "./gateway-url.std.ts";

export const MAX_PAIRING_LINK_LENGTH = 4096;

export type PairingLink =
  | { ok: true; gatewayUrl: string; host: string; insecure: boolean; code: string /* display form XXXX-XXXX */ }
  | { ok: false; code: "LINK_INVALID"; message: string };

const ASK_AGAIN = "Ask for a new link, or type the gateway address and code by hand.";

export function parsePairingLink(input: unknown): PairingLink {
  if (typeof input !== "string" || input.length > MAX_PAIRING_LINK_LENGTH)
    return invalid(`This is not an OCMAP pairing link. ${ASK_AGAIN}`);
  const text = input.trim();
  if (/[\s\u0000-\u001f\u007f]/u.test(text))
    return invalid(`This pairing link contains spaces or control characters. ${ASK_AGAIN}`);
  // Accepted shapes: ocmap://pair?…, ocmap://pair/?… (some launchers add the slash), ocmap:pair?…
  const match = /^ocmap:(?:\/\/pair\/?|pair)\?([^#]*)$/iu.exec(text);
  if (!match)
    return invalid(`This is not an OCMAP pairing link (they look like ocmap://pair?gateway=…&code=…). ${ASK_AGAIN}`);

  const params = new Map<string, string>();
  for (const part of match[1]!.split("&")) {
    const eq = part.indexOf("=");
    const key = eq === -1 ? part : part.slice(0, eq);
    if ((key !== "gateway" && key !== "code") || eq === -1 || params.has(key)) {
      return invalid(
        "This pairing link is damaged: it must name the gateway and the code exactly once each, and nothing else. " +
          ASK_AGAIN,
      );
    }
    const value = decode(part.slice(eq + 1));
    if (value === null) return invalid(`This pairing link is damaged (bad % escape). ${ASK_AGAIN}`);
    params.set(key, value);
  }
  const gateway = params.get("gateway");
  const codeText = params.get("code");
  if (gateway === undefined || codeText === undefined) {
    return invalid(`This pairing link is incomplete: it must name both the gateway and the code. ${ASK_AGAIN}`);
  }

  // A link is machine-made: only a full ws:// or wss:// URL, none of the shortcuts a person may type.
  if (!/^wss?:\/\//iu.test(gateway))
    return invalid(`This pairing link's gateway address is not a ws:// or wss:// URL. ${ASK_AGAIN}`);
  const url = parseGatewayUrl(gateway);
  if (!url.ok) return invalid(`This pairing link's gateway address cannot be used: ${url.message}`);
  const code = parsePairingCode(codeText);
  if (!code.ok) return invalid(`This pairing link's code is not valid: ${code.message}`);
  return { ok: true, gatewayUrl: url.url, host: url.host, insecure: url.insecure, code: code.display };
}

function decode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

function invalid(message: string): PairingLink {
  return { ok: false, code: "LINK_INVALID", message };
}
