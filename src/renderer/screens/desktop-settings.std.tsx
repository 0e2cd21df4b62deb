// Settings for this computer: open at login, and which OS notifications OCMAP shows. Read and changed
// through the main process (the settings file, the OS's login item); shown only where the app has them.
import { useEffect, useId, useState } from "react";
import type { OcmapApi, SettingKey, SettingsView } from "../../ipc/ipc-contract.std.ts";
import { ErrorAlert } from "../parts.std.tsx";

const SWITCHES: { key: SettingKey; label: string; hint?: string }[] = [
  { key: "openAtLogin", label: "Open OCMAP at login", hint: "It starts in the tray, without a window." },
  { key: "notifyRevoked", label: "A gateway revoked this device" },
  { key: "notifyIdentityChanged", label: "A gateway's identity changed" },
  { key: "notifyLongDisconnect", label: "A gateway has been unreachable for 3 minutes" },
  {
    key: "notifyNewDevice",
    label: "A new device was paired with a gateway",
    hint: "Gateways tell this only to devices with operator access.",
  },
];

export function DesktopSettingsSection({ api }: { api: Pick<OcmapApi, "getSettings" | "setSetting"> }) {
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [busy, setBusy] = useState<SettingKey | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  useEffect(() => {
    let live = true;
    api.getSettings().then(
      (read) => live && setSettings(read),
      () => live && setError("OCMAP could not read its settings for this computer."),
    );
    return () => void (live = false);
  }, [api]);

  if (!settings && !error) return null;
  const change = async (key: SettingKey, value: boolean) => {
    setBusy(key);
    setError(null);
    try {
      const result = await api.setSetting(key, value);
      setSettings(result.settings);
      if (!result.ok) setError(result.message);
    } catch {
      setError("OCMAP could not save the setting.");
    } finally {
      setBusy(null);
    }
  };

  return (
    <section aria-labelledby={`${id}-heading`} data-section="desktop-settings">
      <h2 id={`${id}-heading`}>This computer</h2>
      <p className="hint">
        Closing the window keeps OCMAP and its connections running in the tray (the menu bar on macOS). Quit it from
        there.
      </p>
      {error && <ErrorAlert>{error}</ErrorAlert>}
      {settings && (
        <>
          <SwitchRow row={SWITCHES[0]!} settings={settings} busy={busy} onChange={change} />
          <fieldset>
            <legend>Notify me when</legend>
            {SWITCHES.slice(1).map((row) => (
              <SwitchRow key={row.key} row={row} settings={settings} busy={busy} onChange={change} />
            ))}
          </fieldset>
        </>
      )}
    </section>
  );
}

interface SwitchRowProps {
  row: (typeof SWITCHES)[number];
  settings: SettingsView;
  busy: SettingKey | null;
  onChange(key: SettingKey, value: boolean): void;
}

function SwitchRow({ row, settings, busy, onChange }: SwitchRowProps) {
  const hintId = useId();
  return (
    <div>
      <label>
        <input
          type="checkbox"
          name={row.key}
          checked={settings[row.key]}
          disabled={busy === row.key}
          aria-describedby={row.hint ? hintId : undefined}
          onChange={(event) => onChange(row.key, event.currentTarget.checked)}
        />{" "}
        {row.label}
      </label>
      {row.hint && (
        <span id={hintId} className="hint">
          {" "}
          {row.hint}
        </span>
      )}
    </div>
  );
}
