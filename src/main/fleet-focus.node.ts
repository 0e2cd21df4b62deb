// The gateway the window shows, over the fleet of every gateway: the one the user picked in the list,
// the "Add a gateway" pairing while it is open (or while none is paired), or what the keychain said when
// the list could not be read. It is an OcmapCore, so the screens and the controller's link handling read
// one CoreView as before; the list of gateways rides alongside.
import { ClientError } from "../core/client-errors.std.ts";
import type { OcmapCore } from "../core/core.node.ts";
import { restingView, type CoreView } from "../core/core-view.std.ts";
import type { FleetView } from "../core/fleet-view.std.ts";
import type { GatewayFleet } from "../core/gateway-fleet.node.ts";
import { STATUS } from "../core/lifecycle-reasons.std.ts";
import { createViewStore } from "../core/view-store.std.ts";
import type { GatewayItem } from "../ipc/ipc-contract.std.ts";

export interface FleetFocus extends OcmapCore {
  gateways(): GatewayItem[];
  /** Shows this gateway's screens. */
  select(id: string): void;
  /** Opens the pairing form for a new gateway; `false` closes it (unless it is pairing). */
  adding(open: boolean): void;
  rename(id: string, name: unknown): Promise<void>;
  forgetGateway(id: string): void;
  /** Every change of the list (any gateway's state, a rename), not only of the gateway shown. */
  subscribeList(listener: () => void): () => void;
}

const item = (fleet: FleetView, selected: string | null) =>
  fleet.gateways.map((gateway): GatewayItem => ({
    id: gateway.id,
    name: gateway.name,
    url: gateway.url,
    host: gateway.host,
    fingerprint: gateway.fingerprint,
    state: gateway.core.state,
    activity: gateway.core.activity,
    reason: gateway.core.reason.message,
    selected: gateway.id === selected,
  }));

export function focusOnFleet(fleet: GatewayFleet): FleetFocus {
  let selected: string | null = null;
  let addMode = false;
  let refusal: { code: string; message: string } | null = null;
  let seenAdded = 0;

  const focusView = (): CoreView => {
    const current = fleet.view();
    if (current.status === "loading") return restingView(STATUS.starting, "starting");
    if (current.status === "failed") return restingView(STATUS.unpaired, "idle", { lastError: current.error });
    const shown = current.gateways.find((gateway) => gateway.id === selected);
    if (shown && !addMode) return shown.core;
    if (current.adding && current.adding.activity !== "starting" && !refusal) return current.adding;
    const lastError = refusal ? { ...refusal, code: refusal.code as "ALREADY_PAIRED", retryable: false } : null;
    const notice = current.notice ? { code: current.notice.code, message: current.notice.message } : null;
    return restingView(notice?.code === "FORGOTTEN" ? STATUS.forgotten : STATUS.unpaired, "idle", {
      lastError,
      notice,
    });
  };

  const views = createViewStore<CoreView>(focusView(), (v) => `${v.state}/${v.activity}`);
  const refresh = () => {
    const current = fleet.view();
    const ids = current.gateways.map((gateway) => gateway.id);
    // A pairing that just succeeded (also of a gateway listed as revoked): show the gateway it added.
    if (current.added && current.added.count > seenAdded) {
      seenAdded = current.added.count;
      addMode = false;
      selected = current.added.id;
    }
    if (!selected || !ids.includes(selected)) selected = ids[0] ?? null;
    const next = focusView();
    if (JSON.stringify(next) !== JSON.stringify(views.get())) views.set(next);
  };
  const listeners = new Set<() => void>();
  fleet.subscribe(() => {
    refresh();
    for (const listener of listeners) listener();
  });

  const focusCore = () => (addMode || !selected ? null : (fleet.member(selected)?.core ?? null));

  return {
    start: () => void fleet.start(),
    stop: () => fleet.stop(),
    view: views.get,
    subscribe: views.subscribe,
    waitFor: views.waitFor,
    pair(gatewayUrl, code, access) {
      addMode = true;
      refusal = null;
      void fleet.pair(gatewayUrl, code, { access }).then((started) => {
        if (!started.ok) refusal = { code: started.code, message: started.message };
        refresh();
      });
      refresh();
    },
    cancelPairing: () => fleet.cancelPairing(),
    retryNow() {
      const core = focusCore();
      if (core) core.retryNow();
      else fleet.retryNow();
    },
    forget() {
      if (selected && !addMode) fleet.forget(selected);
    },
    call(method, params, timeoutMs) {
      const core = focusCore();
      return core ? core.call(method, params, timeoutMs) : Promise.reject(new ClientError("TOKEN_REJECTED"));
    },
    onGatewayEvent: (listener) => focusCore()?.onGatewayEvent(listener) ?? (() => undefined),
    gateways: () => item(fleet.view(), addMode ? null : selected),
    select(id) {
      if (!fleet.member(id)) return;
      selected = id;
      addMode = false;
      refresh();
    },
    adding(open) {
      if (!open && fleet.view().adding?.state === "PAIRING_IN_PROGRESS") return;
      addMode = open;
      refusal = null;
      if (!open) fleet.dismissAdding();
      refresh();
    },
    rename: (id, name) => fleet.rename(id, name),
    forgetGateway: (id) => fleet.forget(id),
    subscribeList(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
