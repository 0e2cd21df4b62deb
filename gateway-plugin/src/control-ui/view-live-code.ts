// The live code: the code in big type with its countdown, the facts a user types (gateway URL, access,
// label), the pairing link and copy/cancel buttons; or, once the code is over, what became of it.
import { fingerprint, type PairingList } from "@ocmap/protocol/pairing-protocol";
import { element, type Child } from "./dom.ts";
import { ACCESS_LABEL, countdown } from "./format.ts";
import { deviceName, type LiveCode } from "./model.ts";

export interface LiveCodeActions {
  /** Tell screen readers (the page's polite live region). */
  say(text: string): void;
  cancel(codeId: string): void;
  /** Forget an ended code. */
  dismiss(): void;
}

export interface LiveCodeView {
  children: Child[];
  /** Moves the countdown on; returns the milliseconds left. Only while the code is live. */
  tick?: (nowMs: number) => number;
}

export function liveCodeView(
  live: LiveCode | undefined,
  list: PairingList | undefined,
  actions: LiveCodeActions,
): LiveCodeView {
  if (!live)
    return {
      children: [
        element(
          "p",
          { class: "ocmap-cp-empty" },
          "No live code. Create one, then read it out to the person pairing OCMAP together with the gateway URL, " +
            "or send them the pairing link.",
        ),
      ],
    };
  return live.ended ? { children: endedView(live, list, actions) } : activeView(live, actions, list);
}

/** Term/description pairs under the code: add a row here to show another fact beside it. */
function liveFacts(live: LiveCode, list: PairingList | undefined): Array<[term: string, description: Child]> {
  return [
    ["Gateway URL", element("code", { "data-testid": "ocmap-gateway-url" }, live.gatewayUrl ?? "(see pairing link)")],
    ["Gateway identity", element("code", { "data-testid": "ocmap-gateway-fp" }, list?.gatewayFingerprint ?? "…")],
    ["Access", ACCESS_LABEL[live.access]],
    ...(live.label ? [["Label", live.label] as [string, Child]] : []),
  ];
}

function activeView(live: LiveCode, actions: LiveCodeActions, list: PairingList | undefined): LiveCodeView {
  const linkInput = element("input", {
    class: "ocmap-cp-input ocmap-cp-link",
    type: "text",
    readonly: true,
    value: live.pairingLink,
    "aria-label": "Pairing link",
    "data-testid": "ocmap-link",
  });
  const flash = element("span", { class: "ocmap-cp-flash", "aria-hidden": "true" });
  const copy = (text: string, what: string, fallback?: HTMLInputElement) =>
    void copyToClipboard(text, what, flash, actions, fallback);
  const progress = element("progress", { class: "ocmap-cp-progress", max: 1000, value: 1000, "aria-hidden": "true" });
  const left = element("span", { "data-testid": "ocmap-countdown" });
  const tick = (nowMs: number) => {
    const leftMs = live.expiresAtMs - nowMs;
    left.textContent = countdown(live.expiresAtMs, nowMs);
    progress.value = Math.max(0, Math.min(1000, Math.round((leftMs / live.ttlMs) * 1000)));
    progress.classList.toggle("ocmap-cp-progress--low", leftMs < 30_000);
    return leftMs;
  };
  const button = (key: string, variant: string, label: string, onclick: () => void) =>
    element("button", { type: "button", class: `ocmap-cp-btn${variant}`, "data-key": key, onclick }, label);
  const children = [
    element(
      "p",
      { class: "ocmap-cp-code", "data-testid": "ocmap-code", "aria-label": `Pairing code ${spelled(live.code)}` },
      live.code,
    ),
    element("p", { class: "ocmap-cp-timer", role: "timer", "aria-live": "off" }, "Expires in ", left),
    progress,
    element(
      "dl",
      { class: "ocmap-cp-facts" },
      ...liveFacts(live, list).flatMap(([term, description]) => [
        element("dt", null, term),
        element("dd", null, description),
      ]),
    ),
    linkInput,
    element(
      "div",
      { class: "ocmap-cp-actions" },
      button("copy-link", " ocmap-cp-btn--primary", "Copy pairing link", () =>
        copy(live.pairingLink, "Pairing link", linkInput),
      ),
      button("copy-code", "", "Copy code", () => copy(live.code, "Code")),
      button("cancel-live", " ocmap-cp-btn--danger-ghost", "Cancel code", () => actions.cancel(live.codeId)),
      flash,
    ),
  ];
  return { children, tick };
}

function endedView(live: LiveCode, list: PairingList | undefined, actions: LiveCodeActions): Child[] {
  const ended = live.ended!;
  const revoked = list?.devices.find((d) => d.deviceId === ended.deviceId)?.revokedAtMs;
  const text: Child[] =
    ended.status === "used"
      ? [
          "Used: ",
          element("strong", null, deviceName(list, ended.deviceId)),
          ended.deviceId ? element("span", { class: "ocmap-cp-fp" }, ` ${fingerprint(ended.deviceId)}`) : null,
          revoked ? " was paired, and has since been revoked." : " is paired.",
        ]
      : [ENDED_TEXT[ended.status] ?? ENDED_TEXT.locked];
  return [
    element(
      "p",
      {
        class: `ocmap-cp-ended ocmap-cp-ended--${ended.status}`,
        "data-testid": "ocmap-live-ended",
        "data-status": ended.status,
      },
      ...text,
    ),
    element(
      "div",
      { class: "ocmap-cp-actions" },
      element(
        "button",
        { type: "button", class: "ocmap-cp-btn", "data-key": "dismiss", onclick: actions.dismiss },
        "Dismiss",
      ),
    ),
  ];
}

const ENDED_TEXT: Record<string, string> = {
  expired: "The code expired before anyone used it.",
  cancelled: "The code was cancelled.",
  locked: "The code was locked after too many failed attempts.",
};

/** "AB12-CD34" read out one character at a time. */
export const spelled = (code: string) => code.split("").join(" ");

async function copyToClipboard(
  text: string,
  what: string,
  flash: HTMLElement,
  actions: LiveCodeActions,
  fallback?: HTMLInputElement,
) {
  try {
    await navigator.clipboard.writeText(text);
    actions.say(`${what} copied.`);
    flash.textContent = `${what} copied`;
  } catch {
    if (fallback) {
      fallback.focus();
      fallback.select();
    }
    flash.textContent = `Select and copy the ${what.toLowerCase()} (Ctrl+C)`;
  }
}
