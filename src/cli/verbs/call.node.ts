// `ocmap call <method> [params-json | -]`: one gateway method over the device's paired, pinned session,
// within the scopes the gateway granted it. Prints the JSON result; the gateway's refusal exits 10 with
// the gateway's own error code. `ocmap call health` is a container health check.
import { toClientError } from "../../core/client-errors.std.ts";
import { GatewayCallError } from "../../core/live-calls.node.ts";
import { JSON_FLAG, STORE_FLAG, TIMEOUT_FLAG } from "../common-flags.std.ts";
import { EXIT, exitCodeFor } from "../exit-codes.std.ts";
import { settled, type Verb } from "../verb.node.ts";

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

export const callVerb: Verb = {
  name: "call",
  usage: [
    ["<method> [params-json]", "call a gateway method within this device's scopes; print its JSON result"],
    ["<method> -", "the same, with the params read from stdin"],
  ],
  flags: [JSON_FLAG, TIMEOUT_FLAG, STORE_FLAG],
  async run({ usage, flags, positionals, out, timeoutMs, core: getCore }) {
    const [method, paramsText, ...extra] = positionals;
    if (!method || extra.length > 0) return usage("call takes a method and, optionally, its params as JSON");
    const parsed = await readParams(paramsText);
    if (!parsed.ok) return usage("call: the params are not JSON (give an object like '{\"key\":1}', or - for stdin)");
    const json = flags.json === true;
    const core = getCore();
    core.start();
    const view = await core.waitFor(
      (x) => settled(x) && x.activity !== "connecting" && x.activity !== "pairing",
      timeoutMs,
    );
    if (view.state !== "PAIRED_CONNECTED") {
      if (json) out.view(view);
      if (view.state === "REVOKED") return fail(view.lastError?.code ?? "REVOKED", view.reason.message, EXIT.REVOKED);
      if (view.state === "UNPAIRED" && !view.lastError)
        return fail("NOT_PAIRED", "This device is not paired: run `ocmap pair <gateway-url>` first.", EXIT.NOT_PAIRED);
      const error = view.lastError ?? { code: "GATEWAY_UNREACHABLE", message: view.reason.message };
      return fail(error.code, error.message, exitCodeFor(error.code));
    }
    try {
      const payload = (await core.call(method, parsed.params, timeoutMs)) ?? null;
      process.stdout.write(`${JSON.stringify(json ? { type: "result", result: payload } : payload)}\n`);
      return EXIT.OK;
    } catch (err) {
      if (err instanceof GatewayCallError) {
        const details = err.details === undefined ? {} : { details: err.details };
        return fail(err.code, `${method}: ${err.message}`, EXIT.CALL_FAILED, { source: "gateway", method, ...details });
      }
      const error = toClientError(err);
      return fail(error.code, error.message, exitCodeFor(error.code));
    }

    function fail(code: string, message: string, exit: number, data: object = {}): number {
      if (json) process.stdout.write(`${JSON.stringify({ type: "error", code, message, ...data })}\n`);
      else process.stderr.write(`ocmap: ${message} [${code}]\n`);
      return exit;
    }
  },
};
