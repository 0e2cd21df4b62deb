// The devices section's own state and actions: the filter and sort (kept while the tab is open; changing
// them re-renders the section without a refetch), the manage dialog (rename, access) and its requests.
import type { ControlUiHost } from "openclaw/plugin-sdk/control-ui";
import type { Access, TrustedClient } from "@ocmap/protocol/pairing-protocol";
import { element, replaceKeepingFocus } from "./dom.ts";
import { ACCESS_LABEL, describeError } from "./format.ts";
import type { ViewState } from "./model.ts";
import { devicesView, FIRST_ROWS, type DeviceFilter, type DevicesActions } from "./view-devices.ts";
import { manageDialog } from "./view-manage-dialog.ts";

export interface DevicesPanelHooks {
  showError(text?: string): void;
  say(text: string): void;
  refresh(): Promise<void>;
  askRevoke: DevicesActions["askRevoke"];
}

const select = (label: string, key: string, options: Array<[string, string]>, onChange: (value: string) => void) => {
  const control = element(
    "select",
    {
      "data-key": `filter:${key}`,
      "data-testid": `ocmap-devices-${key}`,
      onchange: (ev: Event) => onChange((ev.target as HTMLSelectElement).value),
    },
    ...options.map(([value, text]) => element("option", { value }, text)),
  );
  return element("label", { class: "ocmap-cp-filter" }, element("span", null, label), control);
};

export function devicesPanel(host: ControlUiHost, hooks: DevicesPanelHooks) {
  const filter: DeviceFilter = { state: "all", access: "all", seen: "any", sort: "last-seen", limit: FIRST_ROWS };
  let target: { body: HTMLElement; count: HTMLElement } | undefined;
  let last: ViewState | undefined;
  const rerender = () => last && render(last);
  const toolbar = element(
    "div",
    { class: "ocmap-cp-actions", role: "group", "aria-label": "Filter and sort devices" },
    select(
      "State",
      "state",
      [
        ["all", "All"],
        ["connected", "Connected now"],
        ["offline", "Offline"],
        ["revoked", "Revoked or expired"],
      ],
      (v) => ((filter.state = v as DeviceFilter["state"]), rerender()),
    ),
    select(
      "Access",
      "access",
      [["all", "All"], ...(Object.entries(ACCESS_LABEL) as Array<[string, string]>)],
      (v) => ((filter.access = v as DeviceFilter["access"]), rerender()),
    ),
    select(
      "Last seen",
      "seen",
      [
        ["any", "Any time"],
        ["day", "In the last 24 hours"],
        ["week", "In the last 7 days"],
        ["quiet-30", "Not in 30 days"],
      ],
      (v) => ((filter.seen = v as DeviceFilter["seen"]), rerender()),
    ),
    select(
      "Sort by",
      "sort",
      [
        ["last-seen", "Last seen"],
        ["paired", "Paired"],
        ["name", "Name"],
      ],
      (v) => ((filter.sort = v as DeviceFilter["sort"]), rerender()),
    ),
  );

  async function save(device: TrustedClient, changes: { label?: string; access?: Access }) {
    hooks.showError();
    try {
      if (changes.label) await host.request("device.pair.rename", { deviceId: device.deviceId, label: changes.label });
      if (changes.access) {
        const result = await host.request<{ effective: string }>("pairing.setAccess", {
          deviceId: device.deviceId,
          access: changes.access,
        });
        const when = result.effective === "now" ? "now" : "at its next connection";
        hooks.say(`${device.fingerprint}: access ${ACCESS_LABEL[changes.access]} ${when}.`);
      }
      await hooks.refresh();
      return true;
    } catch (err) {
      hooks.showError(`Could not change ${device.fingerprint}: ${describeError(err)}`);
      return false;
    }
  }
  const dialog = manageDialog({ save });
  const actions: DevicesActions = {
    showAll: () => ((filter.limit = Infinity), rerender()),
    askRevoke: hooks.askRevoke,
    askManage: (device, button) => dialog.ask(device, button),
  };

  function render(state: ViewState) {
    last = state;
    if (!target) return;
    const view = devicesView(state, filter, actions);
    target.count.textContent = view.countText;
    replaceKeepingFocus(target.body, toolbar, ...view.content);
  }

  return {
    dialog,
    attach(body: HTMLElement, count: HTMLElement) {
      target = { body, count };
    },
    render,
  };
}
