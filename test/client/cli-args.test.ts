// The `ocmap` dispatcher and flag parsing, through the built CLI and the parser itself: no gateway needed.
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../src/cli/flags.std.ts";
import { JSON_FLAG, TIMEOUT_FLAG, YES_FLAG } from "../../src/cli/common-flags.std.ts";
import { newKeychainService, runCli } from "../harness/cli.ts";

const specs = [JSON_FLAG, TIMEOUT_FLAG, YES_FLAG];

describe("parseArgs", () => {
  it("reads switches, values (both spellings) and positionals in any order", () => {
    expect(parseArgs(["a", "--json", "--timeout", "5", "-y", "b", "--timeout=7"], specs)).toEqual({
      ok: true,
      flags: { json: true, timeout: "7", yes: true },
      positionals: ["a", "b"],
    });
    expect(parseArgs(["--", "--json"], specs)).toEqual({ ok: true, flags: {}, positionals: ["--json"] });
  });

  it("refuses an unknown flag, a value on a switch and a missing value", () => {
    expect(parseArgs(["--bogus"], specs)).toEqual({ ok: false, message: "unknown flag --bogus" });
    expect(parseArgs(["--json=1"], specs)).toEqual({ ok: false, message: "--json takes no value" });
    expect(parseArgs(["--timeout"], specs)).toEqual({ ok: false, message: "--timeout needs a value (ms)" });
  });
});

describe("ocmap dispatch", () => {
  it("prints the usage of every verb on --help (exit 0) and with no verb (exit 2)", async () => {
    const help = await runCli(newKeychainService(), ["--help"]);
    expect(help.code).toBe(0);
    for (const verb of ["pair", "status", "connect", "forget"]) expect(help.stdout).toContain(`ocmap ${verb}`);
    const none = await runCli(newKeychainService(), []);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("usage:");
  });

  it("prints one verb's usage on `<verb> --help`, and refuses flags that verb does not take", async () => {
    const help = await runCli(newKeychainService(), ["connect", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("ocmap connect");
    expect(help.stdout).not.toContain("ocmap pair");
    const bad = await runCli(newKeychainService(), ["connect", "--yes"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("ocmap connect: unknown flag --yes");
  });

  it("finds the verb after flags and their values; refuses a timeout that is not a positive number", async () => {
    const badTimeout = await runCli(newKeychainService(), ["--timeout", "0", "status"]);
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.stderr).toContain("ocmap status: --timeout takes a positive number");
    const extra = await runCli(newKeychainService(), ["--json", "status", "extra"]);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain("status takes no arguments");
  });
});
