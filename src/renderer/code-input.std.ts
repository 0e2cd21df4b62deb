// As-you-type formatting of the pairing code field (XXXX-XXXX, the caret kept after the same symbol), and what a
// paste means: a code inside a sentence, an ocmap:// link (both fields, after the host is confirmed), or neither.
import { formatCode } from "@ocmap/protocol/pairing-code";
import { parsePairingLink } from "../core/pairing-link.std.ts";
import type { PendingLink } from "../ipc/ipc-contract.std.ts";

const SYMBOLS = 8;

/** What the parser will read: upper case, no separators, O→0, I/L→1 (other letters are kept so typos show). */
function symbolsOf(text: string): string {
  return text
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, "")
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
}

export function formatCodeInput(raw: string, caret: number, previous: string): { value: string; caret: number } {
  // Backspace over the dash alone would change nothing: delete the symbol before it instead.
  if (raw.length < previous.length && caret > 0 && symbolsOf(raw) === symbolsOf(previous) && previous[caret] === "-") {
    raw = raw.slice(0, caret - 1) + raw.slice(caret);
    caret -= 1;
  }
  const symbols = symbolsOf(raw).slice(0, SYMBOLS);
  const before = Math.min(symbolsOf(raw.slice(0, caret)).length, symbols.length);
  return { value: formatCode(symbols), caret: before + (before > 4 ? 1 : 0) };
}

export function codeSymbolCount(value: string): number {
  return symbolsOf(value).length;
}

export type PastedText =
  | { kind: "link"; link: PendingLink }
  | { kind: "bad-link"; message: string }
  | { kind: "code"; code: string }
  | { kind: "other" };

const standalone = (inner: string) => new RegExp(`(?:^|[^0-9A-Za-z])${inner}(?![0-9A-Za-z])`, "g");
// Most telling first: a dashed group, then a group split by a space, then eight symbols in a row.
const CODE_SHAPES = [
  standalone("([0-9A-Za-z]{4})-([0-9A-Za-z]{4})"),
  standalone("([0-9A-Za-z]{4}) ([0-9A-Za-z]{4})"),
  standalone("([0-9A-Za-z]{4})([0-9A-Za-z]{4})"),
];

/**
 * What pasted text holds. A link anywhere in it wins; else the one code in it ("Code: 9BN6-5P3C" → 9BN6-5P3C).
 * Text that is only code symbols is left to the field's own formatting.
 */
export function readPastedText(text: string): PastedText {
  const trimmed = text.trim();
  const linkText = /ocmap:(?:\/\/)?pair\/?\?\S*/i.exec(trimmed)?.[0];
  if (linkText) {
    const link = parsePairingLink(linkText);
    return link.ok
      ? {
          kind: "link",
          link: { host: link.host, gatewayUrl: link.gatewayUrl, code: link.code, insecure: link.insecure },
        }
      : { kind: "bad-link", message: link.message };
  }
  if (/^[0-9A-Za-z-]{0,9}$/.test(trimmed)) return { kind: "other" };
  for (const shape of CODE_SHAPES) {
    let found = [...trimmed.matchAll(shape)];
    // Words around a code can have its shape ("Your code 9BN6 5P3C"): a code almost always has a digit.
    if (found.length > 1) found = found.filter((m) => /[0-9]/.test(m[1]! + m[2]!));
    if (found.length === 1) return { kind: "code", code: formatCode(symbolsOf(found[0]![1]! + found[0]![2]!)) };
    if (found.length > 1) return { kind: "other" };
  }
  return { kind: "other" };
}
