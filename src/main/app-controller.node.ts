// The main process's logic without Electron: owns the core and the pending ocmap:// link, answers
// every IPC request and produces the AppView the renderer sees. The *.main.ts glue only wires it
// to Electron; the Chromium end-to-end test wires it to a Playwright binding instead.
import { createCore, type OcmapCore } from "../core/core.node.ts";
import type { CoreView } from "../core/core-view.std.ts";
import type { Keystore } from "../core/keystore.node.ts";
import { createViewStore } from "../core/view-store.std.ts";
import { parsePairingLink } from "../core/pairing-link.std.ts";
import type { AppView, PendingLink, RequestHandlers } from "../ipc/ipc-contract.std.ts";

export type AppControllerOptions = { keystore: Keystore } | { core: OcmapCore };

export interface AppController {
  /** One handler per request channel; run them only through the IPC guard. */
  readonly handlers: RequestHandlers;
  view(): AppView;
  subscribe(listener: (view: AppView) => void): () => void;
  start(): void;
  stop(): void;
  /** An ocmap:// link from the OS: never pairs by itself, the user confirms the host first. */
  openLink(url: unknown): void;
  /** The menu's Settings. */
  requestSettings(): void;
  waitFor(predicate: (view: AppView) => boolean, timeoutMs?: number): Promise<AppView>;
}

const canPair = (v: CoreView) => (v.state === "UNPAIRED" || v.state === "REVOKED") && v.activity === "idle";
const isPaired = (v: CoreView) => v.state === "PAIRED_CONNECTED" || v.state === "PAIRED_DISCONNECTED";

function linkRefusal(coreView: CoreView): string | null {
  if (isPaired(coreView))
    return (
      `This device is already paired with ${coreView.gateway?.host || "a gateway"}. ` +
      "To pair with another gateway, forget this device in Settings first."
    );
  if (coreView.state === "PAIRING_IN_PROGRESS")
    return "OCMAP is pairing right now. Open the link again when it has finished.";
  return null;
}

export function createAppController(options: AppControllerOptions): AppController {
  const core = "core" in options ? options.core : createCore({ keystore: options.keystore });
  let pendingLink: PendingLink | null = null;
  let linkError: string | null = null;
  let settingsRequest = 0;
  let revision = 0;
  const snapshot = (): AppView => ({ core: core.view(), pendingLink, linkError, settingsRequest, revision });
  const views = createViewStore(snapshot(), (v) => `${v.core.state}/${v.core.activity}`);

  function publish() {
    revision++;
    views.set(snapshot());
  }

  const offCore = core.subscribe((coreView) => {
    // A link that arrived while the core was still reading the keychain may turn out to be moot.
    if (pendingLink && linkRefusal(coreView)) {
      linkError = linkRefusal(coreView);
      pendingLink = null;
    }
    publish();
  });

  const handlers: RequestHandlers = {
    "ocmap:get-state": () => views.get(),
    "ocmap:submit-code": ({ gatewayUrl, code }) => {
      if (pendingLink || linkError) {
        pendingLink = null;
        linkError = null;
        publish();
      }
      core.pair(gatewayUrl, code); // the core checks both again and ignores it unless it can pair
    },
    "ocmap:confirm-link": ({ accept }) => {
      const link = pendingLink;
      if (accept && link && !canPair(core.view())) return;
      pendingLink = null;
      linkError = null;
      publish();
      if (accept && link) core.pair(link.gatewayUrl, link.code);
    },
    "ocmap:retry-now": () => core.retryNow(),
    "ocmap:forget-device": () => core.forget(),
    "ocmap:cancel-pairing": () => core.cancelPairing(),
  };

  return {
    handlers,
    view: views.get,
    subscribe: views.subscribe,
    start: () => core.start(),
    stop() {
      offCore();
      core.stop();
    },
    openLink(url) {
      const link = parsePairingLink(url);
      const refusal = link.ok ? linkRefusal(core.view()) : link.message;
      pendingLink =
        link.ok && !refusal
          ? { host: link.host, gatewayUrl: link.gatewayUrl, code: link.code, insecure: link.insecure }
          : null;
      linkError = refusal;
      publish();
    },
    requestSettings() {
      settingsRequest++;
      publish();
    },
    waitFor: views.waitFor,
  };
}
