// The renderer's pure helpers: code formatting as you type, error sentences, external links.
import { describe, expect, it } from "vitest";
import { CLIENT_ERROR_MESSAGES } from "../../src/core/client-errors.std.ts";
import { allowedExternalUrl } from "../../src/main/external-links.std.ts";
import { linkFromArgv } from "../../src/main/protocol-link.std.ts";
import { onRendererGone } from "../../src/main/renderer-recovery.std.ts";
import { codeSymbolCount, formatCodeInput } from "../../src/renderer/code-input.std.ts";
import { errorSentence } from "../../src/renderer/error-text.std.ts";
import { startAppViewSource } from "../../src/renderer/use-app-view.std.ts";
import type { AppView, OcmapApi } from "../../src/ipc/ipc-contract.std.ts";

describe("pairing code field", () => {
  it.each([
    ["a", 1, "", "A", 1],
    ["abcd", 4, "ABC", "ABCD", 4],
    ["ABCDe", 5, "ABCD", "ABCD-E", 6],
    ["abcd efgh", 9, "", "ABCD-EFGH", 9],
    ["ABCD-EFGHJ", 10, "ABCD-EFGH", "ABCD-EFGH", 9], // at most 8 symbols
    ["o1il-LOIO", 9, "", "0111-1010", 9], // the parser's O→0, I/L→1, shown at once
    ["AB!CD", 5, "ABCD", "ABCD", 4], // punctuation dropped
    ["ABXCD-EF", 3, "ABCD-EF", "ABXC-DEF", 3], // typing in the middle keeps the caret after the new symbol
  ])("%j (caret %i) → %j", (raw, caret, previous, value, newCaret) => {
    expect(formatCodeInput(raw, caret, previous)).toEqual({ value, caret: newCaret });
  });

  it("backspace over the dash deletes the symbol before it", () => {
    expect(formatCodeInput("ABCDEF", 4, "ABCD-EF")).toEqual({ value: "ABCE-F", caret: 3 });
  });

  it("counts symbols, not separators", () => {
    expect(codeSymbolCount("ABCD-EFGH")).toBe(8);
  });
});

describe("error sentences", () => {
  it("every structured client error code maps to a sentence that says what to do", () => {
    for (const code of Object.keys(CLIENT_ERROR_MESSAGES)) {
      const sentence = errorSentence({ code, message: "" });
      expect(sentence, code).toBe(CLIENT_ERROR_MESSAGES[code as keyof typeof CLIENT_ERROR_MESSAGES]);
      expect(sentence.endsWith(".")).toBe(true);
    }
    expect(errorSentence({ code: "SOMETHING_NEW", message: "Do this." })).toBe("Do this.");
    expect(errorSentence({ code: "SOMETHING_NEW" })).toBe(CLIENT_ERROR_MESSAGES.INTERNAL);
    expect(errorSentence({ code: "RATE_LIMITED", retryAfterMs: 90_000 })).toMatch(/try again in 2 minutes\.$/);
  });
});

describe("external links and argv links", () => {
  it("opens only https pages on the allow-list", () => {
    expect(allowedExternalUrl("https://docs.openclaw.ai/pairing#x")).toBe("https://docs.openclaw.ai/pairing#x");
    for (const bad of [
      "http://docs.openclaw.ai/",
      "https://docs.openclaw.ai.evil.example/",
      "https://a:b@docs.openclaw.ai/",
      "file:///etc/passwd",
      "nonsense",
      5,
    ]) {
      expect(allowedExternalUrl(bad), String(bad)).toBeNull();
    }
  });

  it("finds the last ocmap: argument", () => {
    expect(linkFromArgv(["/usr/bin/ocmap", "--no-sandbox", "OCMAP://pair?x", "ocmap://pair?y"])).toBe("ocmap://pair?y");
    expect(linkFromArgv(["/usr/bin/ocmap", "."])).toBeNull();
  });
});

describe("renderer crash recovery policy", () => {
  it("ignores a clean exit, reloads up to three times a minute, then asks the user", () => {
    expect(onRendererGone("clean-exit", [], 0)).toBe("ignore");
    expect(onRendererGone("crashed", [], 100_000)).toBe("reload");
    expect(onRendererGone("crashed", [50_000, 60_000], 100_000)).toBe("reload");
    expect(onRendererGone("oom", [50_000, 60_000, 70_000], 100_000)).toBe("tell-user");
    expect(onRendererGone("crashed", [10_000, 20_000, 70_000], 100_000), "older reloads no longer count").toBe(
      "reload",
    );
  });
});

describe("the renderer's AppView source (started before React renders)", () => {
  const view = (revision: number) => ({ revision }) as unknown as AppView;

  it("listens before it asks and keeps the newest snapshot, whichever arrives first", async () => {
    let push: (v: AppView) => void = () => {};
    let answer: (v: AppView) => void = () => {};
    const order: string[] = [];
    const api = {
      onState: (l: (v: AppView) => void) => (order.push("listen"), (push = l), () => {}),
      getState: () => (order.push("ask"), new Promise<AppView>((r) => (answer = r))),
    } as unknown as OcmapApi;
    const source = startAppViewSource(api);
    expect(order).toEqual(["listen", "ask"]);
    const changes: number[] = [];
    source.subscribe(() => changes.push(source.get().view!.revision));
    push(view(4));
    answer(view(3)); // an older answer does not overwrite the newer event
    await source.ready;
    expect(source.get()).toEqual({ view: view(4), failed: false });
    expect(changes).toEqual([4]);
  });

  it("says failed when get-state fails (no main process, or no preload)", async () => {
    const api = { onState: () => () => {}, getState: () => Promise.reject(new Error("x")) } as unknown as OcmapApi;
    const source = startAppViewSource(api);
    await source.ready;
    expect(source.get()).toEqual({ view: null, failed: true });
  });
});
