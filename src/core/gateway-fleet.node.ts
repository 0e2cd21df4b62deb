// Every gateway this client is paired with: one core (one lifecycle machine, its own five states) per
// gateway, each with its own keychain entries. Loads the index (migrating an old single record), starts
// the cores side by side so one gateway that is down never delays another, adds a gateway when a new
// pairing succeeds, drops one once it is forgotten, and renames one locally. Electron-free.
import { ClientError } from "./client-errors.std.ts";
import { createCore, type CoreOptions, type OcmapCore } from "./core.node.ts";
import type { CoreView } from "./core-view.std.ts";
import { hostOf, type FleetView, type GatewayView } from "./fleet-view.std.ts";
import { checkGatewayName, type GatewayEntry } from "./gateway-index.std.ts";
import { loadGatewayIndex } from "./gateway-migration.node.ts";
import { GatewayStore } from "./gateway-store.node.ts";
import { parseGatewayUrl } from "./gateway-url.std.ts";
import { errorOf } from "./lifecycle-reasons.std.ts";
import type { Keystore } from "./keystore.node.ts";
import { createViewStore } from "./view-store.std.ts";

export interface FleetOptions extends Omit<CoreOptions, "keystore"> {
  /** The unscoped keystore of the keychain service. */
  keystore: Keystore;
}

export interface FleetMember {
  readonly id: string;
  readonly entry: GatewayEntry;
  readonly core: OcmapCore;
}

export interface PairOptions {
  access?: "standard" | "read-only" | "full";
  watch?: (view: CoreView) => void;
}

export type PairStart = { ok: true; core: OcmapCore } | { ok: false; code: "ALREADY_PAIRED"; message: string };

export interface GatewayFleet {
  /** Reads the index (migrating an old record) and makes one core per gateway, none started yet. */
  load(): Promise<void>;
  /** load(), then starts every gateway's core. */
  start(): Promise<void>;
  stop(): void;
  members(): FleetMember[];
  member(id: string): FleetMember | undefined;
  /** Pairs with a gateway not in the list yet (`watch` sees each view from the start); on success it joins the list. */
  pair(gatewayUrl: string, code: string, options?: PairOptions): Promise<PairStart>;
  cancelPairing(): void;
  /** Closes the "Add a gateway" pairing (its outcome shown so far) when it is not pairing. */
  dismissAdding(): void;
  forget(id: string): void;
  /** Sets a gateway's local name; rejects with a ClientError (GATEWAY_NAME_INVALID / _TAKEN). */
  rename(id: string, name: unknown): Promise<void>;
  /** Reads the index again when it failed; otherwise asks every waiting gateway to reconnect now. */
  retryNow(): void;
  view(): FleetView;
  subscribe(listener: (view: FleetView) => void): () => void;
  waitFor(predicate: (view: FleetView) => boolean, timeoutMs?: number): Promise<FleetView>;
  /** Every listed gateway's events (those listed now and any added later), with the gateway's id. */
  onGatewayEvent(listener: (id: string, event: string, payload: unknown) => void): () => void;
}

interface Member extends FleetMember {
  entry: GatewayEntry;
  readonly store: GatewayStore;
  off(): void;
}

const settledWithoutTrust = (member: Member) => {
  const view = member.core.view();
  return view.activity !== "starting" && (view.state === "REVOKED" || view.state === "UNPAIRED");
};

const gone = (view: CoreView) =>
  view.state === "UNPAIRED" && view.activity === "idle" && !view.lastError?.code.startsWith("KEYCHAIN_");

export function createGatewayFleet(options: FleetOptions): GatewayFleet {
  const { keystore, ...coreOptions } = options;
  const members = new Map<string, Member>();
  type Adding = { store: GatewayStore; core: OcmapCore; off(): void };
  let adding: Adding | null = null;
  let status: FleetView["status"] = "loading";
  let error: FleetView["error"] = null;
  let notice: FleetView["notice"] = null;
  let added: FleetView["added"] = null;
  let loading: Promise<void> | null = null;
  let started = false;

  const gatewayView = (member: Member): GatewayView => ({
    id: member.id,
    name: member.entry.name,
    url: member.entry.url,
    host: hostOf(member.entry.url),
    fingerprint: member.entry.fingerprint,
    core: member.core.view(),
  });
  const snapshot = (): FleetView => ({
    status,
    error,
    gateways: [...members.values()].map(gatewayView),
    adding: adding ? adding.core.view() : null,
    notice,
    added,
  });
  const views = createViewStore<FleetView>(snapshot(), (v) =>
    [v.status, ...v.gateways.map((g) => `${g.name}=${g.core.state}/${g.core.activity}`)].join(" "),
  );
  const publish = () => views.set(snapshot());
  const eventListeners = new Set<(id: string, event: string, payload: unknown) => void>();

  function addMember(entry: GatewayEntry, store: GatewayStore, core: OcmapCore): Member {
    const before = members.get(entry.id); // the same gateway revoked earlier, now paired again
    if (before) {
      before.off();
      before.core.stop();
    }
    const member: Member = { id: entry.id, entry, store, core, off: () => undefined };
    const offView = core.subscribe((view) => {
      // Forgotten, or an index line whose trust is not there: it leaves the list (and the index).
      if (gone(view)) queueMicrotask(() => void remove(member, view));
      publish();
    });
    const offEvents = core.onGatewayEvent((event, payload) => {
      for (const listener of [...eventListeners]) listener(entry.id, event, payload);
    });
    member.off = () => {
      offView();
      offEvents();
    };
    members.set(entry.id, member);
    return member;
  }

  async function remove(member: Member, view: CoreView) {
    if (members.get(member.id) !== member) return;
    members.delete(member.id);
    member.off();
    member.core.stop();
    const said = view.notice ?? (view.reason.code === "FORGOTTEN" ? view.reason : null);
    if (said) notice = { name: member.entry.name, code: said.code, message: said.message };
    publish();
    if (member.store.entry) await member.store.wipe().catch(() => undefined); // a line without trust
  }

  function newAdding() {
    const store = new GatewayStore(keystore);
    const core = createCore({ ...coreOptions, keystore: store });
    const entry: Adding = { store, core, off: () => undefined };
    entry.off = core.subscribe((view) => {
      if (view.state === "PAIRED_CONNECTED" && store.entry && adding === entry) {
        adding = null;
        entry.off();
        addMember(store.entry, store, core);
        added = { id: store.entry.id, count: (added?.count ?? 0) + 1 };
      }
      publish();
    });
    core.start();
    return entry;
  }

  async function load() {
    loading ??= (async () => {
      status = "loading";
      error = null;
      publish();
      try {
        // A damaged old single record does not hold up the list: it is said once, as the fleet's notice.
        const index = await loadGatewayIndex(keystore, (said) => (notice = { name: "", ...said }));
        for (const entry of index.gateways) {
          if (members.has(entry.id)) continue;
          const store = new GatewayStore(keystore, entry);
          addMember(entry, store, createCore({ ...coreOptions, keystore: store }));
        }
        status = "ready";
      } catch (err) {
        status = "failed";
        error = errorOf(err); // as a core would say it (a store error keeps its own sentence, naming the file)
      } finally {
        loading = null;
      }
      publish();
    })();
    return loading;
  }

  const startAll = () => {
    for (const member of members.values()) member.core.start();
  };

  return {
    load,
    async start() {
      started = true;
      await load();
      if (started) startAll();
    },
    stop() {
      started = false;
      for (const member of members.values()) {
        member.off();
        member.core.stop();
      }
      members.clear();
      if (adding) {
        adding.off();
        adding.core.stop();
        adding = null;
      }
    },
    members: () => [...members.values()],
    member: (id) => members.get(id),
    async pair(gatewayUrl, code, { access, watch } = {}) {
      const url = parseGatewayUrl(gatewayUrl);
      // A revoked gateway stays listed (its trust already wiped) until dismissed: pairing it again is fine. A
      // listed gateway whose core has not started (the CLI loads without connecting) is paired: refuse before the
      // code is spent.
      const same = url.ok
        ? [...members.values()].find((member) => member.entry.url === url.url && !settledWithoutTrust(member))
        : undefined;
      if (same)
        return {
          ok: false,
          code: "ALREADY_PAIRED",
          message: `OCMAP is already paired with ${same.entry.name}. Forget it first to pair with it again.`,
        };
      adding ??= newAdding();
      const { core } = adding;
      await core.waitFor((view) => view.activity !== "starting");
      if (watch) core.subscribe(watch);
      core.pair(gatewayUrl, code, access); // the core checks both again, and ignores it while it is pairing
      return { ok: true, core };
    },
    cancelPairing: () => adding?.core.cancelPairing(),
    dismissAdding() {
      if (!adding || adding.core.view().state === "PAIRING_IN_PROGRESS") return;
      adding.off();
      adding.core.stop();
      adding = null;
      publish();
    },
    forget: (id) => members.get(id)?.core.forget(),
    async rename(id, name) {
      const member = members.get(id);
      if (!member) throw new ClientError("INTERNAL");
      const entry = await keystore.exclusive(async (keychain) => {
        const index = await keychain.loadIndex();
        const stored = index?.gateways.find((line) => line.id === id);
        if (!index || !stored) throw new ClientError("INTERNAL");
        const checked = checkGatewayName(name, index.gateways, id);
        if (!checked.ok) throw new ClientError(checked.code);
        const renamed = { ...stored, name: checked.name };
        await keychain.saveIndex({
          ...index,
          gateways: index.gateways.map((line) => (line.id === id ? renamed : line)),
        });
        return renamed;
      });
      member.entry = entry;
      if (member.store.entry) member.store.entry = entry;
      publish();
    },
    retryNow() {
      if (status === "failed") void load().then(() => started && startAll());
      else for (const member of members.values()) member.core.retryNow();
    },
    view: views.get,
    subscribe: views.subscribe,
    waitFor: views.waitFor,
    onGatewayEvent(listener) {
      eventListeners.add(listener);
      return () => void eventListeners.delete(listener);
    },
  };
}
