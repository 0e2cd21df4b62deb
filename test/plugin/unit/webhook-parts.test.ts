// The webhook's parts one by one: which URLs are accepted, the signature, the CSV export's escaping, and the
// sender's queue (with a fake POST, named as such; the real delivery is proven in test/plugin/webhook.test.ts).
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { WebhookEvent } from "@ocmap/protocol/device-events";
import { csvField, exportAudit, parseExportParams, toCsv } from "../../../gateway-plugin/src/audit-export.ts";
import { isLoopbackHost, webhookSetting } from "../../../gateway-plugin/src/webhook-config.ts";
import { MAX_QUEUED, retryDelayMs, WebhookSender, type Post } from "../../../gateway-plugin/src/webhook-sender.ts";
import { signedHeaders } from "../../../gateway-plugin/src/webhook-signing.ts";
import { waitFor } from "../../harness/wait.ts";

const secret = "0123456789abcdef-secret";
const problemOf = (url: string) => {
  const setting = webhookSetting({ webhook: { url, secret } });
  return setting && "problem" in setting ? setting.problem : undefined;
};

describe("webhook URL", () => {
  it("accepts https anywhere and http to loopback only", () => {
    expect(problemOf("https://hooks.example.net/x?y=1")).toBeUndefined();
    expect(problemOf("http://127.0.0.1:8787/hook")).toBeUndefined();
    expect(problemOf("http://127.9.0.1/hook")).toBeUndefined();
    expect(problemOf("http://localhost:1/")).toBeUndefined();
    expect(problemOf("http://[::1]:8/")).toBeUndefined();
    expect(problemOf("http://hooks.example.net/")).toMatch(/https/);
    expect(problemOf("http://10.0.0.2/")).toMatch(/https/);
    expect(problemOf("http://localhost.evil.example/")).toMatch(/https/);
    expect(problemOf("ftp://127.0.0.1/")).toMatch(/http\(s\)/);
    expect(problemOf("https://user:pw@hooks.example.net/")).toMatch(/user name or password/);
    expect(problemOf("not a url")).toMatch(/not a URL/);
    expect(isLoopbackHost("[::1]")).toBe(true);
    expect(isLoopbackHost("128.0.0.1")).toBe(false);
  });

  it("shows only the origin of the URL, and refuses a short secret", () => {
    const setting = webhookSetting({ webhook: { url: "https://h.example:8443/secret/path?token=t", secret } });
    expect(setting && "target" in setting && setting.target.origin).toBe("https://h.example:8443");
    const short = webhookSetting({ webhook: { url: "https://h.example/", secret: "short" } });
    expect(short).toEqual({ problem: "webhook.secret must be at least 16 characters", origin: "https://h.example" });
    expect(webhookSetting({})).toBeUndefined();
  });
});

describe("signature", () => {
  it("is HMAC-SHA-256 over `<seconds>.<body>` with a v1= prefix", () => {
    const headers = signedHeaders(secret, "id-1", '{"a":1}', 1_700_000_000_999);
    expect(headers["x-ocmap-timestamp"]).toBe("1700000000");
    const mac = createHmac("sha256", secret).update('1700000000.{"a":1}').digest("hex");
    expect(headers["x-ocmap-signature"]).toBe(`v1=${mac}`);
    expect(headers["x-ocmap-event-id"]).toBe("id-1");
  });
});

describe("CSV export", () => {
  it("quotes every field and defuses formulas", () => {
    expect(csvField("plain")).toBe('"plain"');
    expect(csvField('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    for (const lead of ["=", "+", "-", "@", "\t", "\r"]) expect(csvField(`${lead}1+1`)).toBe(`"'${lead}1+1"`);
    expect(csvField("a=1")).toBe('"a=1"');
  });

  it("writes a header and one CRLF row per event, times in ISO", () => {
    const csv = toCsv([{ atMs: 0, type: "device.revoked", deviceId: "ab".repeat(32), reason: "@SUM(A1)" }]);
    const [header, row, end] = csv.split("\r\n");
    expect(header!.split(",")).toHaveLength(10);
    expect(row).toBe(
      `"1970-01-01T00:00:00.000Z","device.revoked","${"ab".repeat(32)}","ABAB ABAB ABAB","","","'@SUM(A1)","","",""`,
    );
    expect(end).toBe("");
    expect(exportAudit([], "jsonl", 0)).toMatchObject({ content: "", count: 0, retention: { events: 500 } });
  });

  it("takes exactly a format", () => {
    expect(parseExportParams({ format: "csv" })).toEqual({ format: "csv" });
    const reasonOf = (params: unknown) => {
      try {
        parseExportParams(params);
      } catch (err) {
        return (err as { reason?: string }).reason;
      }
      return "accepted";
    };
    expect(reasonOf({ format: "xls" })).toBe("format must be one of jsonl, csv");
    expect(reasonOf({ format: "csv", extra: 1 })).toBe("unknown param extra");
    expect(reasonOf(null)).toBe("bad params");
  });
});

describe("sender queue (fake POST)", () => {
  const log = { info() {}, warn() {} };
  const event = (n: number): WebhookEvent => ({
    id: `e${n}`,
    kind: "paired",
    atMs: n,
    deviceId: "d",
    fingerprint: "F",
  });

  it("doubles the wait between attempts, up to five minutes", () => {
    expect([1, 2, 3, 4, 10, 20].map(retryDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000, 300_000, 300_000]);
  });

  it("keeps at most MAX_QUEUED events, counting the ones pushed out, and delivers in order", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const sent: string[] = [];
    const post: Post = async (_target, body) => {
      await gate;
      sent.push(JSON.parse(body).id);
      return 204;
    };
    const sender = new WebhookSender({ now: () => Date.now(), log, post });
    sender.configure(webhookSetting({ webhook: { url: "https://h.example/", secret } }));
    for (let n = 0; n < MAX_QUEUED + 5; n++) sender.enqueue(event(n));
    expect(sender.status()).toMatchObject({ queued: MAX_QUEUED, dropped: 5 });
    release();
    await waitFor(() => sender.status()!.queued === 0, "the queue to drain");
    // e0 was being sent when the queue overflowed: the oldest waiting ones (e1 to e5) made room.
    const expected = ["e0", ...Array.from({ length: MAX_QUEUED - 1 }, (_, i) => `e${i + 6}`)];
    expect(sent).toEqual(expected);
    expect(sender.status()).toMatchObject({ lastDeliveredAtMs: expect.any(Number) });
  });

  it("is off, queueing nothing, when the setting is refused", () => {
    const sender = new WebhookSender({ now: () => 0, log, post: async () => 204 });
    sender.configure(webhookSetting({ webhook: { url: "http://example.net/", secret } }));
    sender.enqueue(event(1));
    expect(sender.status()).toMatchObject({ problem: expect.stringMatching(/https/), queued: 0 });
  });
});
