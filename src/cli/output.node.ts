// What `ocmap` prints: state lines, errors and notes, as text or (--json) one JSON object per line.
// Only CoreView fields and sentences reach it, so nothing printed can hold a code, token or key.
import type { CoreView } from "../core/core-view.std.ts";
import { exitCodeFor } from "./exit-codes.std.ts";

export interface Out {
  view(view: CoreView): void;
  fail(code: string, message: string, data?: object): void;
  info(text: string, data?: object): void;
}

export function reporter(json: boolean): Out {
  const write = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  const activity = (v: CoreView) => (v.activity === "idle" || v.activity === "connected" ? "" : ` (${v.activity})`);
  return {
    view: (v) =>
      json
        ? write({ type: "state", ...v })
        : process.stdout.write(`${v.state}${activity(v)}: ${v.reason.message}${describe(v)}\n`),
    fail: (code, message, data) =>
      json ? write({ type: "error", code, message, ...data }) : process.stderr.write(`ocmap: ${message} [${code}]\n`),
    info: (text, data) => (json ? write({ type: "info", message: text, ...data }) : process.stdout.write(`${text}\n`)),
  };
}

function describe(view: CoreView): string {
  const parts: string[] = [];
  if (view.gateway) parts.push(`gateway ${view.gateway.host}${view.gateway.insecure ? " (unencrypted ws://)" : ""}`);
  if (view.gateway?.fingerprint) parts.push(`gateway identity ${view.gateway.fingerprint}`);
  if (view.gateway?.stock) parts.push("paired with the gateway's own setup code (no identity key)");
  if (view.device) parts.push(`device ${view.device.fingerprint}`);
  if (view.state === "PAIRED_CONNECTED" && view.access) parts.push(`access ${accessWords(view.access.scopes)}`);
  if (view.reconnect?.nextRetryAt)
    parts.push(
      `retry in ${Math.max(0, view.reconnect.nextRetryAt - Date.now())} ms (after ${view.reconnect.attempt} failed)`,
    );
  return parts.length ? ` [${parts.join(", ")}]` : "";
}

/** The access level the gateway granted at the last connect, by name, with its scopes. */
function accessWords(scopes: string[]): string {
  const level = scopes.includes("operator.admin")
    ? "full"
    : scopes.includes("operator.write")
      ? "standard"
      : scopes.includes("operator.read")
        ? "read-only"
        : "none";
  return `${level} (${scopes.join(" ") || "no scopes"})`;
}

/** A connect that accepted a renewed certificate is told as an info line (`{"type":"info"}` with --json). */
export function tellRenewal(view: CoreView, out: Out): string | undefined {
  if (view.notice?.code !== "GATEWAY_CERT_RENEWED") return undefined;
  out.info(view.notice.message, { notice: view.notice.code });
  return view.notice.code;
}

/** Reports an error and returns its exit code (the code's own, unless `exit` overrides it). */
export function fail(out: Out, code: string, message: string, exit = exitCodeFor(code), data?: object): number {
  out.fail(code, message, data);
  return exit;
}

/** Help or usage text: stdout when asked for (exit 0), stderr for a usage error. */
export function print(text: string, code: number): number {
  (code === 0 ? process.stdout : process.stderr).write(`${text}\n`);
  return code;
}
