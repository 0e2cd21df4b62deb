// The audit card's export: a button per format that fetches the whole retained log (pairing.exportAudit, an
// admin method) and downloads it as a file, and the retention stated in words.
import type { ControlUiHost } from "openclaw/plugin-sdk/control-ui";
import { AUDIT_RETENTION, type AuditExport, type AuditExportFormat } from "@ocmap/protocol/device-events";
import { element } from "./dom.ts";
import { describeError } from "./format.ts";
import { MAX_EVENTS_SHOWN } from "./view-audit.ts";

const TYPES: Record<AuditExportFormat, string> = { jsonl: "application/x-ndjson", csv: "text/csv;charset=utf-8" };

export const RETENTION_TEXT =
  `The gateway keeps the newest ${AUDIT_RETENTION.events} events and, apart from them, the newest ` +
  `${AUDIT_RETENTION.failures} failed-attempt entries; older ones are gone. ` +
  `Shown here: the newest ${MAX_EVENTS_SHOWN}. The export has all that is kept.`;

export interface ExportDeps {
  say(text: string): void;
  showError(text?: string): void;
}

export function auditExportBar(host: ControlUiHost, deps: ExportDeps) {
  const button = (format: AuditExportFormat, label: string) =>
    element(
      "button",
      { type: "button", class: "ocmap-cp-btn", "data-format": format, onclick: () => void download(format) },
      label,
    );
  const buttons = [button("jsonl", "Export JSON lines"), button("csv", "Export CSV")];
  const bar = element(
    "div",
    { class: "ocmap-cp-export", "data-testid": "ocmap-audit-export" },
    ...buttons,
    element("p", { class: "ocmap-cp-muted", "data-testid": "ocmap-retention" }, RETENTION_TEXT),
  );

  async function download(format: AuditExportFormat) {
    deps.showError();
    try {
      const exported = await host.request<AuditExport>("pairing.exportAudit", { format });
      const blob = new Blob([exported.content], { type: TYPES[format] });
      const url = URL.createObjectURL(blob);
      const filename = exported.filename.replace(/[^A-Za-z0-9._-]/g, "_");
      const link = element("a", { href: url, download: filename, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      // The download has its own copy by then; the object URL is only memory to give back.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      deps.say(`Audit log exported: ${exported.count} entries in ${filename}.`);
    } catch (err) {
      deps.showError(`Could not export the audit log: ${describeError(err)}`);
    }
  }

  return {
    element: bar,
    /** Export needs operator.admin and a connection. */
    update(canAdmin: boolean, connected: boolean) {
      for (const each of buttons) each.disabled = !canAdmin || !connected;
    },
  };
}
