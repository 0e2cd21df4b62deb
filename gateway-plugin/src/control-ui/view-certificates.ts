// Gateway certificate: the TLS certificate the gateway identity vouches for now (serial, validity), the older
// ones it vouched for, and "Retire older certificates" (pairing.retireCertificates): after a key leak, no
// client that has seen the new statement accepts an older certificate, and the gateway never vouches for a
// retired one again.
import type { CertificateEntry } from "@ocmap/protocol/gateway-identity";
import { element, type Child } from "./dom.ts";
import { absoluteTime } from "./format.ts";
import type { ViewState } from "./model.ts";
import { muted } from "./parts.ts";

export interface CertificateActions {
  retireOlder(): void;
}

export function certificatesView(state: ViewState, actions: CertificateActions): HTMLElement {
  const summary = state.list?.certificates;
  if (!summary)
    return element(
      "p",
      { class: "ocmap-cp-empty" },
      "The gateway does not terminate TLS itself (or its identity is damaged): clients verify its certificate " +
        "through certificate authorities.",
    );
  const { served, older, minSerial, servedRetired } = summary;
  const row = (entry: CertificateEntry, status: Child) =>
    element(
      "li",
      { "data-serial": entry.serial },
      element("strong", null, `Serial ${entry.serial}`),
      " · ",
      element("code", { class: "ocmap-cp-fp" }, entry.tlsPin.slice(0, 16)),
      " · ",
      muted(`valid ${absoluteTime(entry.notBeforeMs, state.locale)} – ${absoluteTime(entry.notAfterMs, state.locale)}`),
      " ",
      status,
    );
  const badge = (tone: string, text: string) =>
    element("span", { class: `ocmap-cp-badge ocmap-cp-badge--${tone}` }, text);
  const expired = served && served.notAfterMs < state.nowMs;
  const canRetire = state.canAdmin && !servedRetired && older.some((entry) => !entry.retired);
  return element(
    "div",
    { "data-testid": "ocmap-certificates" },
    servedRetired
      ? element(
          "p",
          { class: "ocmap-cp-alert", role: "alert" },
          "The gateway serves a certificate that was retired here. Its identity does not vouch for it, so paired " +
            "clients refuse it: install the current certificate again, or a new one.",
        )
      : null,
    served
      ? element(
          "ul",
          { class: "ocmap-cp-certs", "aria-label": "Certificate served now" },
          row(served, expired ? badge("danger", "Expired") : badge("ok", "Served")),
        )
      : null,
    older.length
      ? element(
          "ul",
          { class: "ocmap-cp-certs", "aria-label": "Older certificates" },
          ...older.map((entry) => row(entry, entry.retired ? badge("danger", "Retired") : badge("warn", "Older"))),
        )
      : muted("No older certificates."),
    element(
      "p",
      { class: "ocmap-cp-muted" },
      minSerial > 1 ? `Certificates below serial ${minSerial} are retired. ` : "",
      "Retire older certificates when an old certificate's private key may have leaked: clients then refuse them.",
    ),
    element(
      "div",
      { class: "ocmap-cp-actions" },
      element(
        "button",
        {
          type: "button",
          class: "ocmap-cp-btn ocmap-cp-btn--danger-ghost",
          "data-key": "retire-certificates",
          disabled: !canRetire,
          onclick: () => actions.retireOlder(),
        },
        "Retire older certificates",
      ),
    ),
  );
}
