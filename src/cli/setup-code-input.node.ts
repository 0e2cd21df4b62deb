// `ocmap pair <setup-code | oc-pair://…>`: a gateway's own setup code (no ocmap-pairing on it). Says which
// gateway it names and what is weaker than an OCMAP code, and confirms an oc-pair:// link's gateway like a link.
import { parseSetupCode, STOCK_GATEWAY_CAVEATS } from "../core/setup-code.std.ts";
import type { StockAccess } from "../core/stock-pairing.node.ts";

export const ACCESS_LEVELS: readonly StockAccess[] = ["standard", "read-only", "full"];

export interface SetupCodeOut {
  fail(code: string, message: string): void;
  info(text: string, data?: object): void;
}

/** What `pair` needs, or the error to exit with (already reported). */
export async function readSetupCodeInput(
  input: string,
  options: { yes: boolean; timeoutMs: number; timeoutGiven: boolean },
  out: SetupCodeOut,
  confirm: (question: string) => Promise<boolean>,
): Promise<{ ok: true; gatewayUrl: string; waitMs: number } | { ok: false; code: string; message: string }> {
  const setup = parseSetupCode(input);
  if (!setup.ok) return setup;
  const how = setup.insecure ? " over unencrypted ws://" : "";
  out.info(`This setup code pairs with the gateway at ${setup.host}${how}.`, { host: setup.host, stockGateway: true });
  for (const caveat of STOCK_GATEWAY_CAVEATS) out.info(caveat, { caveat: true });
  if (setup.form === "link" && !options.yes && !(await confirm(`Pair with ${setup.host}? [y/N] `)))
    return {
      ok: false,
      code: "LINK_NOT_CONFIRMED",
      message: "Not paired: the gateway was not confirmed (use --yes in scripts).",
    };
  // The operator may take a while to approve: wait until the code expires, unless --timeout says otherwise.
  const untilExpiry = (setup.expiresAtMs ?? Date.now() + 10 * 60_000) - Date.now() + 5_000;
  const waitMs = options.timeoutGiven ? options.timeoutMs : Math.max(options.timeoutMs, untilExpiry);
  return { ok: true, gatewayUrl: setup.gatewayUrl, waitMs };
}
