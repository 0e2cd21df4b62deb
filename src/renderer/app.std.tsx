// One screen per state of the core, the settings panel, and a polite live region that says what
// changed. All state comes from AppView; the renderer keeps only the form's text and which panel shows.
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import type { OcmapApi, PendingLink } from "../ipc/ipc-contract.std.ts";
import { ErrorAlert } from "./parts.std.tsx";
import { ApprovalWaitScreen } from "./screens/approval-wait.std.tsx";
import { GatewayList } from "./screens/gateway-list.std.tsx";
import { ConnectedScreen } from "./screens/connected.std.tsx";
import { DisconnectedScreen } from "./screens/disconnected.std.tsx";
import { IdentityChangedScreen } from "./screens/identity-changed.std.tsx";
import { LinkConfirmScreen } from "./screens/link-confirm.std.tsx";
import { PairingForm } from "./screens/pairing-form.std.tsx";
import { PairingProgressScreen } from "./screens/pairing-progress.std.tsx";
import { RevokedScreen } from "./screens/revoked.std.tsx";
import { SettingsPanel } from "./screens/settings-panel.std.tsx";
import { DesktopSettingsSection } from "./screens/desktop-settings.std.tsx";
import { StartingScreen } from "./screens/starting.std.tsx";
import { useAppView, type AppViewSource } from "./use-app-view.std.ts";
import { announcement } from "./announcement.std.ts";

/** Where the last gateway address typed is kept (not a secret), so the form is filled next time. */
export interface GatewayMemory {
  load(): string;
  save(gatewayUrl: string): void;
}

export interface AppProps {
  api: OcmapApi;
  source: AppViewSource;
  /** Absent where nothing is remembered (the main process's pre-render). */
  memory?: GatewayMemory;
}

export function App({ api, source, memory }: AppProps) {
  const { view, failed } = useAppView(source);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [pairAgain, setPairAgain] = useState(false);
  // Empty on the first render everywhere, so the page the main process pre-rendered hydrates as is;
  // the remembered address is filled in before the first paint React makes.
  const [gateway, setGateway] = useState("");
  const [restored, setRestored] = useState(false);
  const [code, setCode] = useState("");
  // A link pasted into the form: asked about like a clicked one, in the renderer (it is the renderer's own text).
  const [pastedLink, setPastedLink] = useState<PendingLink | null>(null);
  const seenSettingsRequest = useRef<number | null>(null);
  const seenLink = useRef<string | null>(null);

  useLayoutEffect(() => {
    const remembered = memory?.load() ?? "";
    if (remembered) setGateway((typed) => typed || remembered);
    setRestored(true);
  }, [memory]);

  useEffect(() => {
    if (!view) return;
    // The menu's Settings: open on every bump after the first snapshot.
    if (seenSettingsRequest.current !== null && view.settingsRequest > seenSettingsRequest.current)
      setSettingsOpen(true);
    seenSettingsRequest.current = view.settingsRequest;
    // A link fills the form, so after Cancel the user still has its values to check or edit.
    const link = view.pendingLink;
    const linkKey = link ? `${link.gatewayUrl} ${link.code}` : null;
    if (link && linkKey !== seenLink.current) {
      setGateway(link.gatewayUrl);
      setCode(link.code);
      setSettingsOpen(false);
    }
    seenLink.current = linkKey;
    if (view.core.state !== "REVOKED") setPairAgain(false);
    // The code is used up once connected; kept until then so a failed attempt can be retried.
    if (view.core.state === "PAIRED_CONNECTED") setCode("");
  }, [view]);

  if (failed)
    return (
      <Shell>
        <ErrorAlert>OCMAP&rsquo;s window cannot reach its main process. Quit OCMAP and start it again.</ErrorAlert>
      </Shell>
    );
  if (!view)
    return (
      <Shell>
        <p className="busy">Loading…</p>
      </Shell>
    );

  const core = view.core;
  const submit = (gatewayUrl: string, pairingCode: string) => {
    memory?.save(gatewayUrl);
    void api.submitCode(gatewayUrl, pairingCode);
  };
  const forget = () => {
    setSettingsOpen(false);
    void api.forgetDevice();
  };

  const shown = view.gateways.find((gateway) => gateway.selected) ?? null;
  const adding = view.gateways.length > 0 && !shown;
  let screen: ReactNode;
  let key: string;
  if (settingsOpen) {
    key = "settings";
    screen = (
      <SettingsPanel
        core={core}
        gateway={shown}
        onClose={() => setSettingsOpen(false)}
        onForget={forget}
        onRename={(name) => (shown ? api.renameGateway(shown.id, name) : Promise.resolve({ ok: true as const }))}
        desktop={<DesktopSettingsSection api={api} />}
      />
    );
  } else if (core.activity === "starting") {
    key = "starting";
    screen = <StartingScreen core={core} />;
  } else if (pastedLink && core.activity === "idle" && (core.state === "UNPAIRED" || core.state === "REVOKED")) {
    key = "link";
    screen = (
      <LinkConfirmScreen
        link={pastedLink}
        onAnswer={(accept) => {
          setPastedLink(null);
          setGateway(pastedLink.gatewayUrl);
          setCode(pastedLink.code);
          if (accept) submit(pastedLink.gatewayUrl, pastedLink.code);
        }}
      />
    );
  } else if (view.pendingLink && core.activity === "idle" && (core.state === "UNPAIRED" || core.state === "REVOKED")) {
    key = "link";
    screen = <LinkConfirmScreen link={view.pendingLink} onAnswer={(accept) => void api.confirmLink(accept)} />;
  } else if (core.state === "PAIRING_IN_PROGRESS" && core.pairingStep === "waiting-for-approval") {
    key = "approval-wait";
    screen = <ApprovalWaitScreen core={core} onCancel={() => void api.cancelPairing()} />;
  } else if (core.state === "PAIRING_IN_PROGRESS") {
    key = "pairing";
    screen = <PairingProgressScreen core={core} onCancel={() => void api.cancelPairing()} />;
  } else if (core.state === "PAIRED_CONNECTED") {
    key = "connected";
    screen = <ConnectedScreen core={core} />;
  } else if (core.state === "PAIRED_DISCONNECTED" && core.lastError?.code === "GATEWAY_IDENTITY_CHANGED") {
    key = "identity-changed";
    screen = <IdentityChangedScreen core={core} onRetry={() => void api.retryNow()} />;
  } else if (core.state === "PAIRED_DISCONNECTED") {
    key = "disconnected";
    screen = (
      <DisconnectedScreen
        core={core}
        onRetry={() => void api.retryNow()}
        onOpenSettings={() => setSettingsOpen(true)}
      />
    );
  } else if (core.state === "REVOKED" && !pairAgain) {
    key = "revoked";
    screen = <RevokedScreen core={core} onPairAgain={() => setPairAgain(true)} />;
  } else {
    key = "form";
    screen = (
      <PairingForm
        core={core}
        gateway={gateway}
        code={code}
        autoFocus={restored}
        onGatewayChange={setGateway}
        onCodeChange={setCode}
        onSubmit={submit}
        onRetryKeychain={() => void api.retryNow()}
        onPastedLink={setPastedLink}
      />
    );
  }

  return (
    <Shell
      settingsOpen={settingsOpen}
      onToggleSettings={() => setSettingsOpen((open) => !open)}
      status={announcement(view)}
      linkError={view.linkError && key !== "settings" ? view.linkError : null}
      onDismissLinkError={() => void api.confirmLink(false)}
      aside={
        view.gateways.length > 0 && key !== "settings" ? (
          <GatewayList
            gateways={view.gateways}
            adding={adding}
            onSelect={(id) => {
              setPairAgain(false);
              void api.selectGateway(id);
            }}
            onAdd={() => void api.addGateway(true)}
            onForget={(id) => void api.forgetGateway(id)}
          />
        ) : null
      }
    >
      <div key={key} className="screen" data-screen={key}>
        {screen}
      </div>
    </Shell>
  );
}

interface ShellProps {
  children: ReactNode;
  settingsOpen?: boolean;
  onToggleSettings?(): void;
  status?: string;
  linkError?: string | null;
  onDismissLinkError?(): void;
  /** The gateway list: beside the card where the window is wide enough, above it where not. */
  aside?: ReactNode;
}

function Shell({ children, settingsOpen, onToggleSettings, status, linkError, onDismissLinkError, aside }: ShellProps) {
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">
          <span className="logo" aria-hidden="true" />
          OCMAP
        </span>
        {onToggleSettings && (
          <button type="button" className="ghost" onClick={onToggleSettings} aria-pressed={settingsOpen}>
            Settings
          </button>
        )}
      </header>
      <main className={aside ? "content with-list" : "content"}>
        {aside}
        <div className="card">
          {linkError && (
            <ErrorAlert>
              <p>{linkError}</p>
              <button type="button" className="secondary" onClick={onDismissLinkError}>
                Dismiss
              </button>
            </ErrorAlert>
          )}
          {children}
        </div>
      </main>
      <p className="visually-hidden" role="status" aria-live="polite">
        {status}
      </p>
    </div>
  );
}
