// What the user types as the gateway address, checked and normalized before anything connects.
import { isLoopbackOrPrivateHost } from "./private-host.std.ts";

export const MAX_GATEWAY_URL_LENGTH = 2048;

export type GatewayUrlErrorCode = "URL_INVALID" | "URL_INSECURE";

export type GatewayUrl =
  | {
      ok: true;
      /** Normalized `ws://` or `wss://` URL, without a trailing slash. */
      url: string;
      /** Host as it will be contacted (punycode for international names), with a non-default port. */
      host: string;
      /** Plain ws://: allowed only to loopback and the local network; the UI shows a warning. */
      insecure: boolean;
      /** Base of the plugin's HTTP routes: ws→http, wss→https. */
      httpBase: string;
    }
  | { ok: false; code: GatewayUrlErrorCode; message: string };

const SCHEMES = new Map<string, "ws" | "wss">([
  ["ws", "ws"],
  ["wss", "wss"],
  ["http", "ws"],
  ["https", "wss"],
]);
const EXAMPLE = "like wss://gateway.example.com or 192.168.1.10:18789";

export function parseGatewayUrl(input: unknown): GatewayUrl {
  if (typeof input !== "string") return invalid(`Enter the gateway address, ${EXAMPLE}.`);
  if (input.length > MAX_GATEWAY_URL_LENGTH)
    return invalid("That address is too long to be a gateway address; check what you pasted.");
  const text = input.trim();
  if (text === "") return invalid(`Enter the gateway address, ${EXAMPLE}.`);
  // The URL parser would silently drop tabs and newlines and read "\" as "/": refuse instead,
  // so the address we connect to is the one the user sees.
  if (/[\s\\\u0000-\u001f\u007f]/u.test(text)) {
    return invalid(
      "A gateway address cannot contain spaces, backslashes or control characters; check what you pasted.",
    );
  }

  let scheme: "ws" | "wss" | null = null;
  let rest = text;
  const withScheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/su.exec(text);
  if (withScheme) {
    // http(s):// is accepted because people copy the gateway's web address; the WebSocket is on
    // the same host and path, so it becomes ws(s)://.
    const mapped = SCHEMES.get(withScheme[1]!.toLowerCase());
    if (!mapped) return invalid(`A gateway address starts with wss:// (or ws:// on your own network), ${EXAMPLE}.`);
    scheme = mapped;
    rest = withScheme[2]!;
  } else if (/^[A-Za-z][A-Za-z0-9+.-]*:(?![0-9])/u.test(text)) {
    return invalid(`That is not a gateway address; write it ${EXAMPLE}.`);
  }

  const authority = rest.split(/[/?#]/u, 1)[0]!;
  if (authority === "") return invalid(`The address has no host name; write it ${EXAMPLE}.`);
  if (authority.includes("@")) {
    return invalid("Remove the user name and password from the address: OCMAP signs in with the pairing code instead.");
  }
  if (/[?#]/u.test(rest))
    return invalid("Remove everything from the ? or # on: a gateway address has no query or fragment.");

  const probe = toUrl(`${scheme ?? "ws"}://${rest}`);
  if (!probe) return invalid(`That is not a valid address; write it ${EXAMPLE}.`);
  const local = isLoopbackOrPrivateHost(probe.hostname);
  // Without a scheme: plain ws:// on this computer or the local network, TLS everywhere else.
  const finalScheme = scheme ?? (local ? "ws" : "wss");
  const url = finalScheme === (scheme ?? "ws") ? probe : toUrl(`${finalScheme}://${rest}`);
  if (!url) return invalid(`That is not a valid address; write it ${EXAMPLE}.`);
  if (!isPlainHostname(url.hostname) || url.username !== "" || url.password !== "")
    return invalid(`That is not a valid address; write it ${EXAMPLE}.`);
  if (url.port === "0") return invalid("Port 0 cannot be used; enter the port your gateway listens on.");

  const path = url.pathname.replace(/\/+$/u, "");
  const normalized = `${finalScheme}://${url.host}${path}`;
  if (normalized.length > MAX_GATEWAY_URL_LENGTH)
    return invalid("That address is too long to be a gateway address; check what you pasted.");
  const insecure = finalScheme === "ws";
  if (insecure && !local) {
    return {
      ok: false,
      code: "URL_INSECURE",
      message: `Unencrypted ws:// is only allowed to this computer or your local network. Use wss://${url.host}${path} (set up TLS on the gateway or a reverse proxy in front of it).`,
    };
  }
  return {
    ok: true,
    url: normalized,
    host: url.host,
    insecure,
    httpBase: `${insecure ? "http" : "https"}://${url.host}${path}`,
  };
}

/** DNS letters, digits, "-", "_" and dots (after punycode), or a bracketed IPv6 address. */
function isPlainHostname(hostname: string): boolean {
  return /^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/u.test(hostname) || /^\[[0-9a-f:.]+\]$/u.test(hostname);
}

function toUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

function invalid(message: string): GatewayUrl {
  return { ok: false, code: "URL_INVALID", message };
}
