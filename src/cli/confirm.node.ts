// A yes/no question on the terminal; with no terminal (scripts, pipes) the answer is no.
import { createInterface } from "node:readline/promises";

export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
