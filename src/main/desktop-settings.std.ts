// The desktop app's own settings (not a gateway's): open at login, which OS notifications to show,
// and whether the "still running in the tray" hint was shown. Read from a file anyone can edit, so
// each field is checked on its own: a bad field falls back to its default and the others are kept.

import { SETTING_KEYS, type SettingKey, type SettingResult, type SettingsView } from "../ipc/ipc-contract.std.ts";

export interface DesktopSettings extends SettingsView {
  /** The one-time hint that closing the window keeps OCMAP running was shown. */
  closeHintShown: boolean;
}

export const DEFAULT_SETTINGS: DesktopSettings = Object.freeze({
  openAtLogin: false,
  notifyRevoked: true,
  notifyIdentityChanged: true,
  notifyLongDisconnect: true,
  notifyNewDevice: true,
  closeHintShown: false,
});

const FIELDS = [...SETTING_KEYS, "closeHintShown"] as const;

export interface ParsedSettings {
  settings: DesktopSettings;
  /** Why (part of) the file was not used, for the log; null when all of it was. */
  problem: string | null;
}

/** The settings in `text` (a file's content, or null when there is none). */
export function parseSettings(text: string | null): ParsedSettings {
  if (text === null) return { settings: { ...DEFAULT_SETTINGS }, problem: null };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { settings: { ...DEFAULT_SETTINGS }, problem: "it is not valid JSON" };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    return { settings: { ...DEFAULT_SETTINGS }, problem: "it does not hold a JSON object" };
  const record = data as Record<string, unknown>;
  const settings = { ...DEFAULT_SETTINGS };
  const bad: string[] = [];
  for (const field of FIELDS) {
    if (!Object.hasOwn(record, field)) continue;
    const value = record[field];
    if (typeof value === "boolean") settings[field] = value;
    else bad.push(field);
  }
  return { settings, problem: bad.length ? `${bad.join(", ")} ${bad.length > 1 ? "are" : "is"} not true/false` : null };
}

export function serializeSettings(settings: DesktopSettings): string {
  const ordered = Object.fromEntries(FIELDS.map((field) => [field, settings[field]]));
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export function settingsView(settings: DesktopSettings): SettingsView {
  return Object.fromEntries(SETTING_KEYS.map((key) => [key, settings[key]])) as SettingsView;
}

/** Where the settings live (settings-file.node.ts), as the port below needs it. */
export interface SettingsStore {
  get(): DesktopSettings;
  /** Resolves once the change is on disk; rejects (keeping the old settings) when it cannot be written. */
  update(change: Partial<DesktopSettings>): Promise<void>;
}

/** The OS's own "open at login" (login-item.main.ts). `set` throws with a sentence when it cannot. */
export interface LoginItem {
  get(): boolean;
  set(enabled: boolean): void | Promise<void>;
}

/** What the IPC handlers and the Settings screen use. */
export interface SettingsPort {
  view(): SettingsView;
  set(key: SettingKey, value: boolean): Promise<SettingResult>;
}

const sentence = (err: unknown) => (err instanceof Error && err.message ? err.message : "an unknown error");

export function createSettingsPort(store: SettingsStore, loginItem: LoginItem): SettingsPort {
  // "Open at login" is what the OS holds (someone may have removed the entry by hand), not what we wrote.
  const view = (): SettingsView => ({ ...settingsView(store.get()), openAtLogin: safeGet(loginItem) });
  return {
    view,
    async set(key, value) {
      try {
        if (key === "openAtLogin") await loginItem.set(value);
        await store.update({ [key]: value });
        return { ok: true, settings: view() };
      } catch (err) {
        const what = key === "openAtLogin" ? "change “Open at login”" : "save the setting";
        return { ok: false, message: `OCMAP could not ${what}: ${sentence(err)}`, settings: view() };
      }
    },
  };
}

function safeGet(loginItem: LoginItem): boolean {
  try {
    return loginItem.get();
  } catch {
    return false;
  }
}
