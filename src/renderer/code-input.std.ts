// As-you-type formatting of the pairing code field: XXXX-XXXX, the caret kept after the same symbol.
import { formatCode } from "@ocmap/protocol/pairing-code";

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
