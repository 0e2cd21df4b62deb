// `ocmap call <method> [params-json | -]`: one gateway method over the device's paired, pinned session,
// within the scopes the gateway granted it. Prints the JSON result; the gateway's refusal exits 10 with
// the gateway's own error code. `ocmap call health` is a container health check.
import type { OcmapCore } from "../core/core.node.ts";
import type { CoreView } from "../core/core-view.std.ts";
import { GatewayCallError } from "../core/live-calls.node.ts";
import { toClientError } from "../core/client-errors.std.ts";
import { EXIT, exitCodeFor } from "./exit-codes.std.ts";

export const CALL_USAGE = [
  "  ocmap call <method> [params-json|-]  call a gateway method within this device's scopes and print",
  "                                       its JSON result (- reads params from stdin)",
].join("\n");

interface CallOut {
  fail(code: string, message: string, data?: object): void;
  result(payload: unknown): void;
  view(view: CoreView): void;
}

export function callOutput(json: boolean): CallOut {
  const line = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  return {
    fail: (code, message, data) =>
      json ? line({ type: "error", code, message, ...data }) : process.stderr.write(`ocmap: ${message} [${code}]\n`),
    result: (payload) =>
      json
        ? line({ type: "result", result: payload ?? null })
        : process.stdout.write(`${JSON.stringify(payload ?? null)}\n`),
    view: (view) => json && line({ type: "state", ...view }),
  };
}

async function readParams(text: string | undefined): Promise<{ ok: true; params: unknown } | { ok: false }> {
  if (text === undefined) return { ok: true, params: {} };
  let source = text;
  if (text === "-") {
    source = "";
    for await (const chunk of process.stdin) source += String(chunk);
  }
  try {
    return { ok: true, params: JSON.parse(source) };
  } catch {
    return { ok: false };
  }
}

export async function callVerb(
  core: OcmapCore,
  rest: string[],
  options: { json: boolean; timeoutMs: number },
): Promise<number> {
  const out = callOutput(options.json);
  const [method, paramsText, ...extra] = rest;
  if (!method || extra.length > 0) {
    out.fail("USAGE", `usage:\n${CALL_USAGE}`);
    return EXIT.USAGE;
  }
  const parsed = await readParams(paramsText);
  if (!parsed.ok) {
    out.fail("USAGE", "The params are not valid JSON (give an object like '{\"key\":1}', or - to read stdin).");
    return EXIT.USAGE;
  }
  core.start();
  const view = await core.waitFor(
    (x) =>
      x.activity !== "starting" &&
      x.activity !== "forgetting" &&
      x.activity !== "connecting" &&
      x.activity !== "pairing",
    options.timeoutMs,
  );
  if (view.state !== "PAIRED_CONNECTED") {
    out.view(view);
    const code = view.lastError?.code ?? (view.state === "UNPAIRED" ? "NOT_PAIRED" : view.reason.code);
    const message = view.lastError?.message ?? view.reason.message;
    out.fail(code, message);
    if (view.state === "REVOKED") return EXIT.REVOKED;
    if (view.state === "UNPAIRED" && !view.lastError) return EXIT.NOT_PAIRED;
    return exitCodeFor(view.lastError?.code ?? "GATEWAY_UNREACHABLE");
  }
  try {
    out.result(await core.call(method, parsed.params, options.timeoutMs));
    return EXIT.OK;
  } catch (err) {
    if (err instanceof GatewayCallError) {
      const details = err.details === undefined ? {} : { details: err.details };
      out.fail(err.code, `${method}: ${err.message}`, { source: "gateway", method, ...details });
      return EXIT.CALL_FAILED;
    }
    const error = toClientError(err);
    out.fail(error.code, error.message);
    return exitCodeFor(error.code);
  }
}
