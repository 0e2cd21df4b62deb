// Small pieces the Clawpodz views share: times, empty notes, muted text, the lists' table.
import { element, type Child } from "./dom.ts";
import { absoluteTime } from "./format.ts";
import type { ViewState } from "./model.ts";

/** A `<time>` with the absolute time as its tooltip; shows `text` (default: the absolute time). */
export function time(atMs: number, locale: string, text?: string): HTMLElement {
  return element(
    "time",
    { datetime: new Date(atMs).toISOString(), title: absoluteTime(atMs, locale) },
    text ?? absoluteTime(atMs, locale),
  );
}

export const emptyNote = (text: string) => element("p", { class: "ocmap-cp-empty" }, text);
export const muted = (...children: Child[]) => element("span", { class: "ocmap-cp-muted" }, ...children);

/** What a list section shows before it has rows: loading or the refresh error, or its empty sentence. */
export function placeholder(state: ViewState, count: number, emptyText: string): HTMLElement | undefined {
  if (!state.list) return emptyNote(state.listError ?? "Loading…");
  return count === 0 ? emptyNote(emptyText) : undefined;
}

/** A data table with a screen-reader caption, column headers and an unlabeled last column for actions. */
export function table(caption: string, columns: string[], rows: HTMLTableRowElement[]): HTMLElement {
  return element(
    "div",
    { class: "ocmap-cp-table-wrap" },
    element(
      "table",
      { class: "ocmap-cp-table" },
      element("caption", { class: "ocmap-cp-sr" }, caption),
      element(
        "thead",
        null,
        element(
          "tr",
          null,
          ...columns.map((column) => element("th", { scope: "col" }, column)),
          element("th", { scope: "col" }, element("span", { class: "ocmap-cp-sr" }, "Actions")),
        ),
      ),
      element("tbody", null, ...rows),
    ),
  );
}
