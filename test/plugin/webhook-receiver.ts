// A webhook receiver on loopback for the tests (node:http), and the verification function exactly as
// docs/notifications.md prints it, loaded from the doc so that the documented recipe is the one tested.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "../harness/gateway.ts";

export interface Delivery {
  headers: IncomingHttpHeaders;
  body: Buffer;
  path: string;
  receivedAtMs: number;
  /** How this receiver answered (undefined while it holds the request open). */
  status?: number;
  /** The plugin's side of the request went away (answered, timed out or aborted). */
  closed: boolean;
}

/** `ok`: 204; `fail`: 500 to the next `failures` requests, then ok; `hang`: hold every request open. */
export type Mode = { kind: "ok" } | { kind: "fail"; failures: number } | { kind: "hang" };

export async function startReceiver() {
  const deliveries: Delivery[] = [];
  const held: Array<{ delivery: Delivery; res: ServerResponse }> = [];
  let mode: Mode = { kind: "ok" };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const delivery: Delivery = {
        headers: req.headers,
        body: Buffer.concat(chunks),
        path: req.url ?? "",
        receivedAtMs: Date.now(),
        closed: false,
      };
      res.on("close", () => (delivery.closed = true));
      deliveries.push(delivery);
      if (mode.kind === "hang") return void held.push({ delivery, res });
      const status = mode.kind === "fail" && mode.failures-- > 0 ? 500 : 204;
      delivery.status = status;
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    deliveries,
    held,
    setMode(next: Mode) {
      mode = next;
    },
    /** Answers every held request with `status`. */
    release(status = 204) {
      for (const { delivery, res } of held.splice(0)) {
        delivery.status = status;
        if (!res.writableEnded && !res.destroyed) res.writeHead(status).end();
      }
    },
    /** Deliveries whose body parses to an event matching `match`. */
    eventsWhere(match: (event: any) => boolean) {
      return deliveries.filter((delivery) => match(JSON.parse(delivery.body.toString("utf8"))));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type Verify = (secret: string, headers: IncomingHttpHeaders, rawBody: Buffer, nowMs?: number) => any;

/** The first ```js block of docs/notifications.md that defines verifyOcmapWebhook, as a module. */
export async function documentedVerifier(): Promise<Verify> {
  const doc = readFileSync(join(repoRoot, "docs/notifications.md"), "utf8");
  const block = [...doc.matchAll(/```js\n([\s\S]*?)```/g)]
    .map((match) => match[1]!)
    .find((code) => code.includes("function verifyOcmapWebhook("));
  if (!block) throw new Error("docs/notifications.md has no verifyOcmapWebhook snippet");
  const dir = mkdtempSync(join(tmpdir(), "ocmap-verify-"));
  try {
    const file = join(dir, "verify.mjs");
    writeFileSync(file, `${block}\nexport { verifyOcmapWebhook };\n`);
    return ((await import(pathToFileURL(file).href)) as { verifyOcmapWebhook: Verify }).verifyOcmapWebhook;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
