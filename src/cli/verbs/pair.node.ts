// `ocmap pair <gateway-url>` (the code asked for, or read from stdin or --code-file), `ocmap pair
// '<ocmap://pair?...>'`, `ocmap pair <gateway-url> --enroll-key-file` and, for a gateway without ocmap-pairing,
// `ocmap pair <setup-code | oc-pair://…>`. A code in argv still works, with a warning: it is in the process
// list and the shell history.
import { readFileSync } from "node:fs";
import { parseGatewayUrl } from "../../core/gateway-url.std.ts";
import { parsePairingLink } from "../../core/pairing-link.std.ts";
import { detectPairingInput } from "../../core/setup-code.std.ts";
import type { StockAccess } from "../../core/stock-pairing.node.ts";
import { CODE_IN_ARGV_WARNING, readCode } from "../code-input.node.ts";
import { JSON_FLAG, STORE_FLAG, TIMEOUT_FLAG, YES_FLAG } from "../common-flags.std.ts";
import { confirm } from "../confirm.node.ts";
import { EXIT } from "../exit-codes.std.ts";
import type { FlagSpec } from "../flags.std.ts";
import { fail, type Out } from "../output.node.ts";
import { ACCESS_LEVELS, readSetupCodeInput } from "../setup-code-input.node.ts";
import { settled, type Verb } from "../verb.node.ts";

const ENROLL_KEY_FILE_FLAG: FlagSpec = {
  name: "enroll-key-file",
  value: "file",
  help: "enroll with an enrollment key (ocmap-ek-…) read from this file",
};

const CODE_FILE_FLAG: FlagSpec = {
  name: "code-file",
  value: "file",
  help: "read the pairing code from this file (else a prompt on a terminal, or stdin)",
};

/** On stderr always (a person sees it), and as an info line with --json (a script can log it). */
function warnCodeInArgv(out: Out, json: boolean) {
  process.stderr.write(`ocmap: ${CODE_IN_ARGV_WARNING}\n`);
  if (json) out.info(CODE_IN_ARGV_WARNING, { warning: "CODE_IN_ARGV" });
}

const ACCESS_FLAG: FlagSpec = {
  name: "access",
  value: "level",
  help: "with a setup code: standard (default), read-only, or full (lets forget remove the device itself)",
};

export const pairVerb: Verb = {
  name: "pair",
  usage: [
    ["<gateway-url>", "pair with a code from Clawpodz: asks for it on a terminal, else reads stdin"],
    ["<gateway-url> --code-file FILE", "the same, with the code read from FILE (never put it in argv)"],
    ["'<ocmap://pair?...>'", "pair from a pairing link (asks to confirm the gateway; --yes to skip)"],
    ["<gateway-url> --enroll-key-file FILE", "enroll with an enrollment key (ocmap-ek-…) read from FILE"],
    ["<setup-code> | 'oc-pair://…'", "pair with a gateway's own setup code (openclaw qr): no plugin needed"],
  ],
  flags: [JSON_FLAG, TIMEOUT_FLAG, YES_FLAG, ENROLL_KEY_FILE_FLAG, ACCESS_FLAG, CODE_FILE_FLAG, STORE_FLAG],
  async run({ usage, flags, positionals, out, timeoutMs, core: getCore }) {
    let gatewayUrl: string;
    let code: string;
    let waitMs = timeoutMs;
    const keyFile = flags["enroll-key-file"];
    const kind = positionals.length === 1 ? detectPairingInput(positionals[0]!) : "unknown";
    const setupCode = kind === "setup-code" || kind === "setup-link";
    const access = flags.access as StockAccess | undefined;
    if (access !== undefined && (!ACCESS_LEVELS.includes(access) || !setupCode))
      return usage("pair --access is standard, read-only or full, and only with a setup code");
    if (setupCode) {
      const setup = await readSetupCodeInput(
        positionals[0]!,
        { yes: flags.yes === true, timeoutMs, timeoutGiven: flags.timeout !== undefined },
        out,
        confirm,
      );
      if (!setup.ok) return fail(out, setup.code, setup.message);
      ({ gatewayUrl, waitMs } = setup);
      code = positionals[0]!;
    } else if (typeof keyFile === "string") {
      if (positionals.length !== 1) return usage("pair --enroll-key-file takes the gateway URL");
      try {
        code = readFileSync(keyFile, "utf8"); // the key never sits in argv or the shell history
      } catch (err) {
        const why = (err as NodeJS.ErrnoException).code ?? "unreadable";
        return fail(out, "KEY_FILE_UNREADABLE", `Cannot read the enrollment key file (${why}).`, EXIT.USAGE);
      }
      gatewayUrl = positionals[0]!;
      const url = parseGatewayUrl(gatewayUrl);
      if (!url.ok) return fail(out, url.code, url.message);
    } else if (positionals.length === 1 && /^ocmap:/i.test(positionals[0]!)) {
      const link = parsePairingLink(positionals[0]);
      if (!link.ok) return fail(out, link.code, link.message);
      out.info(`This link pairs with the gateway at ${link.host}${link.insecure ? " over unencrypted ws://" : ""}.`, {
        host: link.host,
      });
      warnCodeInArgv(out, flags.json === true);
      if (!flags.yes && !(await confirm(`Pair with ${link.host}? [y/N] `)))
        return fail(
          out,
          "LINK_NOT_CONFIRMED",
          "Not paired: the gateway was not confirmed (use --yes in scripts).",
          EXIT.USAGE,
        );
      ({ gatewayUrl, code } = link);
    } else if (positionals.length === 1 || positionals.length === 2) {
      gatewayUrl = positionals[0]!;
      const url = parseGatewayUrl(gatewayUrl);
      if (!url.ok) return fail(out, url.code, url.message);
      if (url.insecure)
        out.info(
          `Warning: ${url.host} is reached over unencrypted ws:// (allowed only on this computer or your local network).`,
        );
      if (positionals.length === 2) {
        code = positionals[1]!;
        warnCodeInArgv(out, flags.json === true);
      } else {
        const codeFile = flags["code-file"];
        const input = await readCode(typeof codeFile === "string" ? codeFile : undefined);
        if (!input.ok) return fail(out, "CODE_FILE_UNREADABLE", input.message, EXIT.USAGE);
        code = input.code;
      }
    } else {
      return usage("pair takes a gateway URL (and reads the code), or one pairing link or setup code");
    }
    const core = getCore();
    core.start();
    const start = await core.waitFor(settled, timeoutMs);
    if (start.state === "PAIRED_CONNECTED" || start.state === "PAIRED_DISCONNECTED")
      return fail(out, "ALREADY_PAIRED", "This device is already paired; run `ocmap forget` first.", EXIT.USAGE);
    const off = core.subscribe((v) => out.view(v));
    core.pair(gatewayUrl, code, access);
    const end = await core.waitFor((v) => v.state !== "PAIRING_IN_PROGRESS" && v.activity !== "forgetting", waitMs);
    off();
    if (end.state === "PAIRED_CONNECTED") return EXIT.OK;
    return fail(out, end.lastError?.code ?? end.reason.code, end.lastError?.message ?? end.reason.message);
  },
};
