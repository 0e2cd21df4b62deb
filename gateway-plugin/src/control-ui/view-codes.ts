// Recent pairings: the newest codes with their status, who used them, and a cancel button while active.
import { fingerprint, type CodeSummary } from "@ocmap/protocol/pairing-protocol";
import { element } from "./dom.ts";
import { ACCESS_LABEL, clockTime, relativeTime, STATUS_LABEL } from "./format.ts";
import { deviceName, type ViewState } from "./model.ts";
import { muted, placeholder, table, time } from "./parts.ts";

export const MAX_CODES_SHOWN = 20;

export interface CodesActions {
  cancel(codeId: string): void;
}

export function codesView(state: ViewState, actions: CodesActions): HTMLElement {
  const codes = [...(state.list?.codes ?? [])].sort((a, b) => b.createdAtMs - a.createdAtMs).slice(0, MAX_CODES_SHOWN);
  const empty = placeholder(state, codes.length, "No codes yet.");
  if (empty) return empty;
  const rows = codes.map((code) => codeRow(code, state, actions));
  return table("Pairing codes, newest first", ["Label", "Access", "Created", "Status", "Used by"], rows);
}

function codeRow(code: CodeSummary, state: ViewState, actions: CodesActions): HTMLTableRowElement {
  const { list, nowMs, locale } = state;
  const status = code.status;
  return element(
    "tr",
    { "data-code": code.codeId, "data-status": status },
    element("th", { scope: "row" }, code.label ?? muted("No label")),
    element("td", null, ACCESS_LABEL[code.access] ?? code.access),
    element("td", null, time(code.createdAtMs, locale, relativeTime(code.createdAtMs, nowMs, locale))),
    element(
      "td",
      null,
      element("span", { class: `ocmap-cp-badge ocmap-cp-badge--${status}` }, STATUS_LABEL[status] ?? status),
      status === "active"
        ? muted(" until ", time(code.expiresAtMs, locale, clockTime(code.expiresAtMs, locale)))
        : null,
    ),
    element(
      "td",
      null,
      code.deviceId
        ? element("span", { class: "ocmap-cp-fp", title: deviceName(list, code.deviceId) }, fingerprint(code.deviceId))
        : muted("—"),
    ),
    element(
      "td",
      { class: "ocmap-cp-cell--action" },
      status === "active" && state.canAdmin ? cancelButton(code, state, actions) : null,
    ),
  );
}

function cancelButton(code: CodeSummary, { locale }: ViewState, actions: CodesActions): HTMLElement {
  return element(
    "button",
    {
      type: "button",
      class: "ocmap-cp-btn ocmap-cp-btn--ghost ocmap-cp-btn--sm",
      "data-key": `cancel:${code.codeId}`,
      "aria-label": code.label
        ? `Cancel the code “${code.label}”`
        : `Cancel the code created at ${clockTime(code.createdAtMs, locale)}`,
      onclick: () => actions.cancel(code.codeId),
    },
    "Cancel",
  );
}
