// The desktop settings as a small JSON file under the app's userData folder. Written atomically (a
// temporary file, flushed, then renamed over the old one), so a crash mid-write leaves the old file or
// the new one, never half of one. A damaged file gives the defaults, one clear log line, and is kept
// beside the new one (settings.json.damaged) rather than overwritten.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { parseSettings, serializeSettings, type DesktopSettings, type SettingsStore } from "./desktop-settings.std.ts";

export const SETTINGS_FILE_NAME = "settings.json";

export interface SettingsFileOptions {
  /** Where each problem with the file is told (one line each); console.warn by default. */
  log?: (line: string) => void;
}

function readIfThere(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

export function writeFileAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, "w", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

/** Reads the file now (synchronously: the main process needs it before its first window). */
export function openSettingsFile(path: string, options: SettingsFileOptions = {}): SettingsStore {
  const log = options.log ?? ((line: string) => console.warn(line));
  let text: string | null = null;
  try {
    text = readIfThere(path);
  } catch (err) {
    log(`OCMAP: cannot read the settings file ${path} (${(err as NodeJS.ErrnoException).code}); using the defaults.`);
  }
  const parsed = parseSettings(text);
  let settings: DesktopSettings = parsed.settings;
  if (parsed.problem && text !== null) {
    const whole = parsed.problem.startsWith("it ");
    if (whole) {
      const kept = `${path}.damaged`;
      let keptNote: string;
      try {
        renameSync(path, kept);
        keptNote = ` The damaged file is kept as ${kept}.`;
      } catch {
        keptNote = "";
      }
      log(`OCMAP: the settings file ${path} is damaged (${parsed.problem}); using the defaults.${keptNote}`);
    } else log(`OCMAP: in the settings file ${path}, ${parsed.problem}; using the default for it.`);
  }

  let writing: Promise<void> = Promise.resolve();
  return {
    get: () => ({ ...settings }),
    update(change) {
      const job = writing.then(() => {
        const next = { ...settings, ...change };
        writeFileAtomically(path, serializeSettings(next));
        settings = next;
      });
      writing = job.catch(() => undefined);
      return job;
    },
  };
}
