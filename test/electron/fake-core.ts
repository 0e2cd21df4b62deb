// An OcmapCore that only records what it is asked, for tests of the main process's logic.
import { vi } from "vitest";
import type { OcmapCore } from "../../src/core/core.node.ts";
import { restingView, type CoreView } from "../../src/core/core-view.std.ts";

export function coreViewOf(over: Partial<CoreView> = {}): CoreView {
  return { ...restingView({ code: "UNPAIRED", message: "Not paired with a gateway yet." }, "idle"), ...over };
}

export type FakeCore = OcmapCore & {
  set(view: Partial<CoreView>): void;
  /** A gateway event on the (pretend) live session. */
  emit(event: string, payload: unknown): void;
};

export function fakeCore(initial: Partial<CoreView> = {}): FakeCore {
  let view = coreViewOf(initial);
  const listeners = new Set<(v: CoreView) => void>();
  const eventListeners = new Set<(event: string, payload: unknown) => void>();
  return {
    start: vi.fn(),
    stop: vi.fn(),
    view: () => view,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    pair: vi.fn(),
    cancelPairing: vi.fn(),
    retryNow: vi.fn(),
    forget: vi.fn(),
    waitFor: async () => view,
    call: vi.fn(),
    onGatewayEvent(listener) {
      eventListeners.add(listener);
      return () => void eventListeners.delete(listener);
    },
    emit(event, payload) {
      for (const listener of eventListeners) listener(event, payload);
    },
    set(over) {
      view = { ...view, ...over };
      for (const listener of listeners) listener(view);
    },
  };
}
