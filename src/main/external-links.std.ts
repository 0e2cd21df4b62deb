// The only places the app opens in the user's browser: https pages on an allow-list of hosts.
export const EXTERNAL_LINK_HOSTS: readonly string[] = ["docs.openclaw.ai"];
export const DOCS_URL = "https://docs.openclaw.ai/";

/** The normalized URL if it may be opened externally, else null. */
export function allowedExternalUrl(input: unknown): string | null {
  if (typeof input !== "string" || input.length > 2048) return null;
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return null;
  }
  const ok =
    url.protocol === "https:" &&
    url.username === "" &&
    url.password === "" &&
    url.port === "" &&
    EXTERNAL_LINK_HOSTS.includes(url.hostname);
  return ok ? url.href : null;
}
