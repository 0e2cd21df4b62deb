// Windows: the NSIS installer registers ocmap:// and the uninstaller removes it (assets/installer.nsh, included by
// electron-builder through nsis.include). Checked here: the script writes the keys and values Electron's own
// app.setAsDefaultProtocolClient writes (browser_win.cc: "URL:<scheme>", "URL Protocol", shell\open\command =
// "<exe>" "%1"), removes only a registration that points at this install, and compiles with NSIS (Debian's makensis,
// inside electron-builder's macro hooks). Not checked here: running the installer on Windows; the hosted workflow
// installs silently, reads the registry, launches the installed app, uninstalls and checks the key is gone.
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../harness/gateway.ts";

const run = promisify(execFile);
const config = parse(readFileSync(join(repoRoot, "electron-builder.yml"), "utf8"));
const SCRIPT = join(repoRoot, "assets/installer.nsh");
const script = readFileSync(SCRIPT, "utf8");
/** Electron's GetProtocolLaunchPath without extra arguments, with NSIS's names for the installed exe. */
const ELECTRON_COMMAND = `'"$INSTDIR\\\${APP_EXECUTABLE_FILENAME}" "%1"'`;

function macro(name: string): string[] {
  const body = new RegExp(`!macro ${name}\\b[^\\n]*\\n([\\s\\S]*?)!macroend`).exec(script)?.[1];
  expect(body, `macro ${name}`).toBeDefined();
  return body!
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith(";"));
}

describe("ocmap:// in the NSIS installer", () => {
  it("is electron-builder's nsis include", () => {
    expect(config.nsis.include).toBe("assets/installer.nsh");
    expect(config.nsis.perMachine).toBe(false);
  });

  it("installs the keys and values Electron's setAsDefaultProtocolClient writes, under the install's root", () => {
    expect(macro("ocmapProtocolCommand")).toEqual([`StrCpy \${VAR} ${ELECTRON_COMMAND}`]);
    const writes = macro("customInstall").filter((line) => line.startsWith("WriteRegStr"));
    expect(writes).toEqual([
      'WriteRegStr SHELL_CONTEXT "Software\\Classes\\ocmap" "" "URL:ocmap"',
      'WriteRegStr SHELL_CONTEXT "Software\\Classes\\ocmap" "URL Protocol" ""',
      'WriteRegStr SHELL_CONTEXT "Software\\Classes\\ocmap\\DefaultIcon" "" "$INSTDIR\\${APP_EXECUTABLE_FILENAME},0"',
      'WriteRegStr SHELL_CONTEXT "Software\\Classes\\ocmap\\shell\\open\\command" "" $0',
    ]);
    expect(macro("customInstall")).toContain("!insertmacro ocmapProtocolCommand $0");
  });

  it("uninstalls the key from the install's root and from HKCU, only where it still starts this install", () => {
    expect(macro("ocmapRemoveProtocol")).toEqual([
      'ReadRegStr $1 ${ROOT} "Software\\Classes\\ocmap\\shell\\open\\command" ""',
      "${if} $1 == $0",
      'DeleteRegKey ${ROOT} "Software\\Classes\\ocmap"',
      "${endIf}",
    ]);
    const uninstall = macro("customUnInstall");
    expect(uninstall).toContain("!insertmacro ocmapProtocolCommand $0");
    expect(uninstall).toContain("!insertmacro ocmapRemoveProtocol SHELL_CONTEXT");
    expect(uninstall).toContain("!insertmacro ocmapRemoveProtocol HKEY_CURRENT_USER");
    // The registers it uses are restored for electron-builder's own code.
    expect(uninstall.filter((l) => l.startsWith("Push"))).toEqual(["Push $0", "Push $1"]);
    expect(uninstall.filter((l) => l.startsWith("Pop"))).toEqual(["Pop $1", "Pop $0"]);
  });

  const makensis = spawnSync("makensis", ["-VERSION"], { encoding: "utf8" });
  const work = mkdtempSync(join(tmpdir(), "ocmap-nsis-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const compile = async (body: string) => {
    const file = join(work, "installer.nsi");
    writeFileSync(file, body);
    return run("makensis", ["-V2", "-NOCD", file], { cwd: work }).then(
      () => 0,
      (err: { code?: number }) => err.code ?? 1,
    );
  };
  // The hooks as electron-builder's templates call them: customInstall in the install section (after the files),
  // customUnInstall in the uninstall section; per-user (current) and per-machine (all) shell contexts.
  const installerAround = (include: string) => `Unicode true
!include LogicLib.nsh
!define APP_EXECUTABLE_FILENAME "OCMAP.exe"
!include "${include}"
OutFile "${join(work, "setup.exe")}"
RequestExecutionLevel user
Section
  SetShellVarContext current
  !insertmacro customInstall
  SetShellVarContext all
  !insertmacro customInstall
  WriteUninstaller "$INSTDIR\\uninstall.exe"
SectionEnd
Section "Uninstall"
  SetShellVarContext current
  !insertmacro customUnInstall
  SetShellVarContext all
  !insertmacro customUnInstall
SectionEnd
`;

  it.skipIf(makensis.status !== 0)("compiles with NSIS inside electron-builder's hooks (makensis)", async () => {
    expect(await compile(installerAround(SCRIPT))).toBe(0);
    // The compile can fail: the same installer around a script with a misspelt instruction does not build.
    const broken = join(work, "broken.nsh");
    writeFileSync(broken, script.replace("DeleteRegKey", "DeleteRegKeyy"));
    expect(await compile(installerAround(broken))).not.toBe(0);
  });
});
