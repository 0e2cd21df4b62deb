// The only places the app opens in the user's browser: https pages on an allow-list of hosts, and the Control UI
// of a gateway this device is paired with (at that gateway's own origin).
import { controlUiUrlOf } from "../core/gateway-info.std.ts";
import type { AppView } from "../ipc/ipc-contract.std.ts";

export const EXTERNAL_LINK_HOSTS: readonly string[] = ["docs.openclaw.ai"];
export const DOCS_URL = "https://docs.openclaw.ai/";

/** The Control UI addresses of the gateways in the view: the only origins besides the allow-list. */
export function controlUiUrlsOf(view: AppView): string[] {
  const urls = view.gateways.map((gateway) => controlUiUrlOf(gateway.url, null));
  return [...urls, view.core.controlUiUrl].filter((url): url is string => url !== null);
}

const originOf = (url: string): string | null => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/** The normalized URL if it may be opened externally, else null. */
export function allowedExternalUrl(input: unknown, controlUiUrls: readonly string[] = []): string | null {
  if (typeof input !== "string" || input.length > 2048) return null;
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return null;
  }
  const controlUi =
    (url.protocol === "http:" || url.protocol === "https:") &&
    url.username === "" &&
    url.password === "" &&
    controlUiUrls.some((allowed) => originOf(allowed) === url.origin);
  const ok =
    controlUi ||
    (url.protocol === "https:" &&
      url.username === "" &&
      url.password === "" &&
      url.port === "" &&
      EXTERNAL_LINK_HOSTS.includes(url.hostname));
  return ok ? url.href : null;
}
