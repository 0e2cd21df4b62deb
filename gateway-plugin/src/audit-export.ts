// The audit log as a file (pairing.exportAudit): every retained entry, oldest first, as JSON lines (one
// AuditEvent per line, exactly as stored) or CSV (RFC 4180, CRLF). CSV fields are always quoted, and a field that
// a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage return) gets a leading `'`:
// a reason or name typed by someone else must never run as a formula in the operator's spreadsheet.
import { AUDIT_EXPORT_FORMATS, type AuditExport, type AuditExportFormat } from "@ocmap/protocol/device-events";
import { fingerprint, type AuditEvent } from "@ocmap/protocol/pairing-protocol";
import { KEPT } from "./audit-log.ts";
import { fail } from "./errors.ts";

export const CSV_COLUMNS = [
  "time",
  "type",
  "deviceId",
  "fingerprint",
  "codeId",
  "keyId",
  "reason",
  "remoteAddress",
  "count",
  "lastTime",
] as const;

export function parseExportParams(params: unknown): { format: AuditExportFormat } {
  if (!params || typeof params !== "object" || Array.isArray(params)) throw fail("INVALID_REQUEST", "bad params");
  const { format, ...rest } = params as Record<string, unknown>;
  if (Object.keys(rest).length) throw fail("INVALID_REQUEST", `unknown param ${Object.keys(rest)[0]}`);
  if (!AUDIT_EXPORT_FORMATS.includes(format as AuditExportFormat))
    throw fail("INVALID_REQUEST", `format must be one of ${AUDIT_EXPORT_FORMATS.join(", ")}`);
  return { format: format as AuditExportFormat };
}

export function exportAudit(events: readonly AuditEvent[], format: AuditExportFormat, nowMs: number): AuditExport {
  const stamp = new Date(nowMs).toISOString().replace(/[:.]/g, "-");
  const content = format === "jsonl" ? toJsonLines(events) : toCsv(events);
  return {
    format,
    filename: `ocmap-pairing-audit-${stamp}.${format}`,
    content,
    count: events.length,
    retention: { ...KEPT },
  };
}

export function toJsonLines(events: readonly AuditEvent[]): string {
  return events.map((event) => `${JSON.stringify(event)}\n`).join("");
}

export function toCsv(events: readonly AuditEvent[]): string {
  const iso = (ms: number | undefined) => (ms === undefined ? "" : new Date(ms).toISOString());
  const rows = events.map((event) => [
    iso(event.atMs),
    event.type,
    event.deviceId ?? "",
    event.deviceId ? fingerprint(event.deviceId) : "",
    event.codeId ?? "",
    event.keyId ?? "",
    event.reason ?? "",
    event.remoteAddress ?? "",
    event.count === undefined ? "" : String(event.count),
    iso(event.lastAtMs),
  ]);
  return [[...CSV_COLUMNS], ...rows].map((row) => `${row.map(csvField).join(",")}\r\n`).join("");
}

/** One quoted CSV field, defused against formula injection. */
export function csvField(value: string): string {
  const defused = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${defused.replace(/"/g, '""')}"`;
}
