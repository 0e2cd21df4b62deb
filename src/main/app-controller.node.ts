// The main process's logic without Electron: owns the core and the pending ocmap:// link, answers
// every IPC request and produces the AppView the renderer sees. The *.main.ts glue only wires it
// to Electron; the Chromium end-to-end test wires it to a Playwright binding instead.
import { toClientError } from "../core/client-errors.std.ts";
import type { OcmapCore } from "../core/core.node.ts";
import type { CoreView } from "../core/core-view.std.ts";
import { createGatewayFleet } from "../core/gateway-fleet.node.ts";
import type { Keystore } from "../core/keystore.node.ts";
import { createViewStore } from "../core/view-store.std.ts";
import { parsePairingLink } from "../core/pairing-link.std.ts";
import type { AppView, GatewayItem, PendingLink, RequestHandlers } from "../ipc/ipc-contract.std.ts";
import { DEFAULT_SETTINGS, settingsView, type SettingsPort } from "./desktop-settings.std.ts";
import { focusOnFleet, type FleetFocus } from "./fleet-focus.node.ts";
import type { GatewaySource } from "./notifier.std.ts";
import { gatewayStatus } from "./tray-status.std.ts";

/**
 * `keystore`: every gateway paired in that keychain service. `core`: one core on its own (tests' stand-ins).
 * `settings`: the desktop app's own settings (open at login, notifications), where there are any.
 */
export type AppControllerOptions = ({ keystore: Keystore } | { core: OcmapCore }) & { settings?: SettingsPort };

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
  /** Every gateway's state and events, for the tray and the OS notifications. */
  readonly gateways: GatewaySource;
}

const canPair = (v: CoreView) => (v.state === "UNPAIRED" || v.state === "REVOKED") && v.activity === "idle";
/** With a list, a link adds a gateway whatever the one shown is doing, once the list is read and no pairing runs. */
const canAdd = (v: CoreView) => v.state !== "PAIRING_IN_PROGRESS" && v.activity !== "starting";
const isPaired = (v: CoreView) => v.state === "PAIRED_CONNECTED" || v.state === "PAIRED_DISCONNECTED";

/** Why a link cannot pair now: a pairing is running, or this device already has that gateway (or, alone, any). */
function linkRefusal(coreView: CoreView, gateways: GatewayItem[] | null, linkUrl: string | null): string | null {
  if (coreView.state === "PAIRING_IN_PROGRESS")
    return "OCMAP is pairing right now. Open the link again when it has finished.";
  const same = gateways?.find((gateway) => gateway.url === linkUrl && gateway.state !== "REVOKED");
  if (same)
    return `This device is already paired with ${same.name}. To pair with it again, forget it in Settings first.`;
  if (!gateways && isPaired(coreView))
    return (
      `This device is already paired with ${coreView.gateway?.host || "a gateway"}. ` +
      "To pair with another gateway, forget this device in Settings first."
    );
  return null;
}

/** A lone core (a test's stand-in) as a focus with no list. */
function focusOnCore(core: OcmapCore): FleetFocus {
  return {
    ...core,
    gateways: () => [],
    select: () => undefined,
    adding: () => undefined,
    rename: async () => undefined,
    forgetGateway: () => core.forget(), // its one gateway
    subscribeList: () => () => undefined,
  };
}

export function createAppController(options: AppControllerOptions): AppController {
  const listed = !("core" in options);
  const fleet = "core" in options ? null : createGatewayFleet(options);
  const core = fleet ? focusOnFleet(fleet) : focusOnCore((options as { core: OcmapCore }).core);
  let pendingLink: PendingLink | null = null;
  let linkError: string | null = null;
  let settingsRequest = 0;
  let revision = 0;
  const snapshot = (): AppView => ({
    core: core.view(),
    gateways: core.gateways(),
    pendingLink,
    linkError,
    settingsRequest,
    revision,
  });
  const refusal = (coreView: CoreView, link: { gatewayUrl: string } | null) =>
    linkRefusal(coreView, listed ? core.gateways() : null, link?.gatewayUrl ?? null);
  const views = createViewStore(snapshot(), (v) => `${v.core.state}/${v.core.activity}`);

  function publish() {
    revision++;
    views.set(snapshot());
  }

  const onChange = () => {
    // A link that arrived while the core was still reading the keychain may turn out to be moot.
    const refused = pendingLink && refusal(core.view(), pendingLink);
    if (refused) {
      linkError = refused;
      pendingLink = null;
    }
    publish();
  };
  const offCore = core.subscribe(onChange);
  const offList = core.subscribeList(onChange);

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
      if (accept && link && !(listed ? canAdd(core.view()) : canPair(core.view()))) return;
      pendingLink = null;
      linkError = null;
      publish();
      if (accept && link) core.pair(link.gatewayUrl, link.code);
    },
    "ocmap:retry-now": () => core.retryNow(),
    "ocmap:forget-device": () => core.forget(),
    "ocmap:cancel-pairing": () => core.cancelPairing(),
    "ocmap:select-gateway": ({ id }) => core.select(id),
    "ocmap:add-gateway": ({ open }) => core.adding(open),
    "ocmap:rename-gateway": async ({ id, name }) => {
      try {
        await core.rename(id, name);
        return { ok: true };
      } catch (err) {
        const error = toClientError(err);
        return { ok: false, code: error.code, message: error.message };
      }
    },
    "ocmap:forget-gateway": ({ id }) => core.forgetGateway(id),
    "ocmap:get-settings": () => options.settings?.view() ?? null,
    "ocmap:set-setting": ({ key, value }) =>
      options.settings?.set(key, value) ?? {
        ok: false,
        message: "This window has no desktop settings.",
        settings: settingsView(DEFAULT_SETTINGS),
      },
  };

  const lone = "core" in options ? options.core : null;
  const gateways: GatewaySource = {
    statuses: () =>
      fleet
        ? fleet.view().gateways.map((gateway) => gatewayStatus(gateway.id, gateway.name, gateway.core))
        : lone && lone.view().state !== "UNPAIRED"
          ? [gatewayStatus("gateway", lone.view().gateway?.host || "the gateway", lone.view())]
          : [],
    subscribe: (listener) => views.subscribe(() => listener()),
    onGatewayEvent: (listener) =>
      fleet
        ? fleet.onGatewayEvent(listener)
        : lone!.onGatewayEvent((event, payload) => listener("gateway", event, payload)),
  };

  return {
    handlers,
    view: views.get,
    subscribe: views.subscribe,
    start: () => core.start(),
    stop() {
      offCore();
      offList();
      core.stop();
    },
    openLink(url) {
      const link = parsePairingLink(url);
      const refused = link.ok ? refusal(core.view(), link) : link.message;
      pendingLink =
        link.ok && !refused
          ? { host: link.host, gatewayUrl: link.gatewayUrl, code: link.code, insecure: link.insecure }
          : null;
      linkError = refused;
      publish();
    },
    requestSettings() {
      settingsRequest++;
      publish();
    },
    waitFor: views.waitFor,
    gateways,
  };
}
