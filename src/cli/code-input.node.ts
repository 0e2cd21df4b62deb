// Where `ocmap pair` takes the code from when it is not on the command line (which puts it in the process
// list and the shell history): `--code-file FILE`, else a prompt on a terminal, else stdin. The code is
// never printed back.
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline/promises";

export const CODE_IN_ARGV_WARNING =
  "Warning: the pairing code was given on the command line, so it is now in the process list and your shell " +
  "history. Next time leave it out: `ocmap pair <url>` asks for it, reads it from stdin, or from --code-file FILE.";

const MAX_INPUT_BYTES = 4096;

export type CodeInput = { ok: true; code: string } | { ok: false; message: string };

/** The first non-empty line, trimmed (a code file or stdin may end with a newline, or hold a comment-free line). */
const firstLine = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line.length > 0) ?? "";

export async function readCode(
  codeFile: string | undefined,
  stdin: NodeJS.ReadStream = process.stdin,
): Promise<CodeInput> {
  if (codeFile !== undefined) {
    try {
      const text = await readFile(codeFile, "utf8");
      return { ok: true, code: firstLine(text.slice(0, MAX_INPUT_BYTES)) };
    } catch (err) {
      return { ok: false, message: `Cannot read the code file ${codeFile} (${(err as NodeJS.ErrnoException).code}).` };
    }
  }
  if (stdin.isTTY) {
    const prompt = createInterface({ input: stdin, output: process.stderr, terminal: true });
    try {
      return { ok: true, code: (await prompt.question("Pairing code (or enrollment key): ")).trim() };
    } finally {
      prompt.close();
    }
  }
  let text = "";
  for await (const chunk of stdin) {
    text += String(chunk);
    if (text.length > MAX_INPUT_BYTES || text.includes("\n")) break;
  }
  return { ok: true, code: firstLine(text.slice(0, MAX_INPUT_BYTES)) };
}
