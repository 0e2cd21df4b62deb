// A tiny DOM builder. Text always goes in as text nodes (never HTML), and no inline `style`
// attribute is ever written, so the tab works under the Control UI's strict CSP.

type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue | ((ev: Event) => void)>;
export type Child = Node | string | number | null | undefined | false;

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (typeof value === "function") el.addEventListener(name.slice(2).toLowerCase(), value as EventListener);
    else if (name === "style") throw new Error("inline styles are not allowed (CSP)");
    else if (value === true) el.setAttribute(name, "");
    else if (value !== false && value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "number" ? String(child) : child);
  }
}

/** Replaces the children of `el`, keeping keyboard focus on the element with the same `data-key`. */
export function replaceKeepingFocus(el: Element, ...children: Child[]) {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && el.contains(active) ? active.dataset.key : undefined;
  el.replaceChildren();
  append(el, children);
  if (key) {
    const next = [...el.querySelectorAll<HTMLElement>("[data-key]")].find((n) => n.dataset.key === key);
    next?.focus();
  }
}

let seq = 0;
/** Document-unique ids for label/aria wiring (the page may be mounted more than once). */
export function uid(name: string): string {
  seq += 1;
  return `ocmap-cp-${name}-${seq}`;
}

/** When the dialog closes, focus goes back to where it was opened from (taken once: `take` forgets it). */
export function returnFocusOnClose(dialog: HTMLDialogElement, take: () => HTMLElement | null | undefined) {
  dialog.addEventListener("close", () => {
    const back = take();
    if (back?.isConnected) back.focus();
  });
}
