// `ocmap`: the headless client over the same core as the desktop app.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import { parseGatewayUrl } from "../core/gateway-url.std.ts";
import { createCore, type OcmapCore } from "../core/core.node.ts";
import type { CoreView } from "../core/core-view.std.ts";
import { Keystore } from "../core/keystore.node.ts";
import { parsePairingLink } from "../core/pairing-link.std.ts";
import { EXIT, exitCodeFor } from "./exit-codes.std.ts";

const USAGE = `usage:
  ocmap pair <gateway-url> <code>      pair with a code from Clawpodz (or openclaw gateway call pairing.createCode)
  ocmap pair '<ocmap://pair?...>'      pair from a pairing link (asks to confirm the gateway; --yes to skip)
  ocmap pair <gateway-url> --enroll-key-file FILE   enroll with an enrollment key (ocmap-ek-…) read from FILE
  ocmap status                         connect once with the stored trust and report
  ocmap connect                        stay connected; one line per state change; exits 4 when revoked
  ocmap forget                         remove this device from the gateway, and wipe local trust in any case
options: --json (JSON lines), --yes (confirm a link's gateway), --timeout <ms>
exit codes: 0 ok, 1 internal, 2 usage, 3 not paired, 4 revoked, 5 unreachable, 6 code rejected, 7 keychain, 8 refused
  (forget: 0 only when the gateway removed the device; 5 gateway offline, 8 refused or not confirmed)`;

interface Flags {
  enrollKeyFile?: string;
  json: boolean;
  yes: boolean;
  timeoutMs: number;
}

export async function main(argv: string[]): Promise<number> {
  const flags: Flags = { json: false, yes: false, timeoutMs: 30_000 };
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--json") flags.json = true;
    else if (arg === "--yes" || arg === "-y") flags.yes = true;
    else if (arg === "--timeout") flags.timeoutMs = Number(argv[++i]);
    else if (arg === "--enroll-key-file") flags.enrollKeyFile = argv[++i] ?? "";
    else if (arg === "--help" || arg === "-h") return print(USAGE, EXIT.OK);
    else args.push(arg);
  }
  if (!Number.isFinite(flags.timeoutMs) || flags.timeoutMs <= 0) return print(USAGE, EXIT.USAGE);
  const [command, ...rest] = args;
  const out = reporter(flags.json);
  const core = createCore({ keystore: new Keystore({ service: process.env.OCMAP_KEYCHAIN_SERVICE || "ocmap" }) });
  try {
    switch (command) {
      case "pair":
        return await pair(core, rest, flags, out);
      case "status":
        return await status(core, flags, out);
      case "connect":
        return await connect(core, out);
      case "forget":
        return await forget(core, flags, out);
      default:
        return print(USAGE, EXIT.USAGE);
    }
  } finally {
    core.stop();
  }
}

type Out = {
  view(v: CoreView): void;
  fail(code: string, message: string): void;
  info(text: string, data?: object): void;
};

function reporter(json: boolean): Out {
  const write = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  const activity = (v: CoreView) => (v.activity === "idle" || v.activity === "connected" ? "" : ` (${v.activity})`);
  return {
    view: (v) =>
      json
        ? write({ type: "state", ...v })
        : process.stdout.write(`${v.state}${activity(v)}: ${v.reason.message}${describe(v)}\n`),
    fail: (code, message) =>
      json ? write({ type: "error", code, message }) : process.stderr.write(`ocmap: ${message} [${code}]\n`),
    info: (text, data) => (json ? write({ type: "info", message: text, ...data }) : process.stdout.write(`${text}\n`)),
  };
}

function describe(view: CoreView): string {
  const parts: string[] = [];
  if (view.gateway) parts.push(`gateway ${view.gateway.host}${view.gateway.insecure ? " (unencrypted ws://)" : ""}`);
  if (view.gateway?.fingerprint) parts.push(`gateway identity ${view.gateway.fingerprint}`);
  if (view.device) parts.push(`device ${view.device.fingerprint}`);
  if (view.reconnect?.nextRetryAt)
    parts.push(
      `retry in ${Math.max(0, view.reconnect.nextRetryAt - Date.now())} ms (after ${view.reconnect.attempt} failed)`,
    );
  return parts.length ? ` [${parts.join(", ")}]` : "";
}

const settled = (v: CoreView) => v.activity !== "starting" && v.activity !== "forgetting";

async function pair(core: OcmapCore, rest: string[], flags: Flags, out: Out): Promise<number> {
  let gatewayUrl: string;
  let code: string;
  if (flags.enrollKeyFile !== undefined) {
    if (rest.length !== 1) return print(USAGE, EXIT.USAGE);
    try {
      code = readFileSync(flags.enrollKeyFile, "utf8"); // the key never sits in argv or the shell history
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? "unreadable";
      return fail(out, "KEY_FILE_UNREADABLE", `Cannot read the enrollment key file (${why}).`, EXIT.USAGE);
    }
    gatewayUrl = rest[0]!;
    const url = parseGatewayUrl(gatewayUrl);
    if (!url.ok) return fail(out, url.code, url.message);
  } else if (rest.length === 1 && /^ocmap:/i.test(rest[0]!)) {
    const link = parsePairingLink(rest[0]);
    if (!link.ok) return fail(out, link.code, link.message);
    out.info(`This link pairs with the gateway at ${link.host}${link.insecure ? " over unencrypted ws://" : ""}.`, {
      host: link.host,
    });
    if (!flags.yes && !(await confirm(`Pair with ${link.host}? [y/N] `)))
      return fail(
        out,
        "LINK_NOT_CONFIRMED",
        "Not paired: the gateway was not confirmed (use --yes in scripts).",
        EXIT.USAGE,
      );
    ({ gatewayUrl, code } = link);
  } else if (rest.length === 2) {
    [gatewayUrl, code] = rest as [string, string];
    const url = parseGatewayUrl(gatewayUrl);
    if (!url.ok) return fail(out, url.code, url.message);
    if (url.insecure)
      out.info(
        `Warning: ${url.host} is reached over unencrypted ws:// (allowed only on this computer or your local network).`,
      );
  } else {
    return print(USAGE, EXIT.USAGE);
  }
  core.start();
  const start = await core.waitFor(settled, flags.timeoutMs);
  if (start.state === "PAIRED_CONNECTED" || start.state === "PAIRED_DISCONNECTED")
    return fail(out, "ALREADY_PAIRED", "This device is already paired; run `ocmap forget` first.", EXIT.USAGE);
  const off = core.subscribe((v) => out.view(v));
  core.pair(gatewayUrl, code);
  const end = await core.waitFor(
    (v) => v.state !== "PAIRING_IN_PROGRESS" && v.activity !== "forgetting",
    flags.timeoutMs,
  );
  off();
  if (end.state === "PAIRED_CONNECTED") return EXIT.OK;
  return fail(out, end.lastError?.code ?? end.reason.code, end.lastError?.message ?? end.reason.message);
}

async function status(core: OcmapCore, flags: Flags, out: Out): Promise<number> {
  core.start();
  const view = await core.waitFor(
    (x) => settled(x) && x.activity !== "connecting" && x.activity !== "pairing",
    flags.timeoutMs,
  );
  tellRenewal(view, out);
  out.view(view);
  if (view.state === "PAIRED_CONNECTED") return EXIT.OK;
  if (view.state === "REVOKED") return EXIT.REVOKED;
  if (view.state === "UNPAIRED") return view.lastError ? exitCodeFor(view.lastError.code) : EXIT.NOT_PAIRED;
  return exitCodeFor(view.lastError?.code ?? "GATEWAY_UNREACHABLE");
}

async function connect(core: OcmapCore, out: Out): Promise<number> {
  let told: string | undefined;
  core.start();
  out.view(core.view());
  return new Promise<number>((resolve) => {
    const stop = (code: number) => {
      off();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolve(code);
    };
    const onSignal = () => stop(EXIT.OK);
    const off = core.subscribe((view) => {
      if (view.notice?.code !== told) told = tellRenewal(view, out);
      out.view(view);
      if (view.state === "REVOKED") {
        if (view.activity !== "forgetting") stop(EXIT.REVOKED); // exit only once the keychain wipe is done
      } else if (view.state === "UNPAIRED" && view.activity === "idle")
        stop(view.lastError ? exitCodeFor(view.lastError.code) : EXIT.NOT_PAIRED);
    });
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const view = core.view();
    if (view.state === "UNPAIRED" && view.activity === "idle") stop(EXIT.NOT_PAIRED);
  });
}

/** A reconnect that accepted a renewed certificate is told as an info line (`{"type":"info"}` in --json). */
function tellRenewal(view: CoreView, out: Out): string | undefined {
  if (view.notice?.code !== "GATEWAY_CERT_RENEWED") return undefined;
  out.info(view.notice.message, { notice: view.notice.code });
  return view.notice.code;
}

async function forget(core: OcmapCore, flags: Flags, out: Out): Promise<number> {
  core.start();
  const view = await core.waitFor((x) => settled(x) && x.activity !== "connecting", flags.timeoutMs);
  if (view.state === "UNPAIRED" && !view.lastError) {
    out.info("Not paired: nothing to forget.");
    return EXIT.OK;
  }
  core.forget();
  const end = await core.waitFor((x) => x.state === "UNPAIRED" && x.activity === "idle", flags.timeoutMs);
  if (end.lastError) return fail(out, end.lastError.code, end.lastError.message);
  // Only a gateway that removed this device is a success; refused, unconfirmed and offline each say so.
  const notice = end.notice ?? { code: "FORGOTTEN", message: end.reason.message };
  if (notice.code !== "FORGOTTEN") return fail(out, notice.code, notice.message);
  out.info(notice.message, { notice: notice.code });
  return EXIT.OK;
}

function fail(out: Out, code: string, message: string, exit = exitCodeFor(code)): number {
  out.fail(code, message);
  return exit;
}

function print(text: string, code: number): number {
  (code === EXIT.OK ? process.stdout : process.stderr).write(`${text}\n`);
  return code;
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
