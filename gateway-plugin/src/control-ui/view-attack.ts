// Failed attempts: the last ten minutes' failed and refused pairing requests per minute, and the busiest
// sources (an IPv4 address or an IPv6 /48), so an operator sees an attack and who makes it.
import type { AttackSource, AttackSummary } from "@ocmap/protocol/pairing-protocol";
import { element } from "./dom.ts";
import { clockTime, relativeTime } from "./format.ts";
import type { ViewState } from "./model.ts";
import { emptyNote, muted, placeholder, table, time } from "./parts.ts";

/** Bar heights are steps (CSS `data-level` 0–8): the page writes no inline style. */
const LEVELS = 8;
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

export function attackView(state: ViewState): HTMLElement {
  const attack = state.list?.attack;
  if (!attack) return placeholder(state, 0, "This gateway reports no failure figures.")!;
  const failed = sum(attack.failuresPerMinute);
  const refused = sum(attack.refusedPerMinute);
  const minutes = attack.failuresPerMinute.length;
  if (failed + refused === 0) return emptyNote(`No failed pairing requests in the last ${minutes} minutes.`);
  return element(
    "div",
    { class: "ocmap-cp-attack" },
    element(
      "p",
      { "data-testid": "ocmap-attack-total" },
      `${failed} failed and ${refused} refused pairing requests in the last ${minutes} minutes.`,
    ),
    bars(attack, state.locale),
    table(
      `Busiest sources in the last ${minutes} minutes`,
      ["Source", "Failed", "Refused", "Last", "Now"],
      attack.busiest.map((source) => sourceRow(source, state)),
    ),
  );
}

function bars(attack: AttackSummary, locale: string): HTMLElement {
  const totals = attack.failuresPerMinute.map((failures, minute) => failures + (attack.refusedPerMinute[minute] ?? 0));
  const highest = Math.max(1, ...totals);
  return element(
    "ol",
    { class: "ocmap-cp-bars", "aria-label": "Failed and refused requests per minute, oldest first" },
    ...totals.map((total, minute) => {
      const text =
        `${clockTime(attack.sinceMs + minute * 60_000, locale)}: ${attack.failuresPerMinute[minute]} failed, ` +
        `${attack.refusedPerMinute[minute]} refused`;
      return element(
        "li",
        { "data-level": Math.ceil((LEVELS * total) / highest), title: text },
        element("span", { class: "ocmap-cp-sr" }, text),
      );
    }),
  );
}

function sourceRow(source: AttackSource, { nowMs, locale }: ViewState): HTMLTableRowElement {
  return element(
    "tr",
    { "data-source": source.source },
    element("th", { scope: "row", class: "ocmap-cp-fp" }, source.source),
    element("td", null, source.failures),
    element("td", null, source.refused),
    element("td", null, time(source.lastAtMs, locale, relativeTime(source.lastAtMs, nowMs, locale))),
    element(
      "td",
      null,
      source.heldBack ? element("span", { class: "ocmap-cp-badge ocmap-cp-badge--warn" }, "Held back") : muted("—"),
    ),
    element("td", null),
  );
}
