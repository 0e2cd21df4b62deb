// Serves a built renderer folder on 127.0.0.1 through the app's own app:// handler
// (createAppProtocolHandler), so Chromium gets exactly the bytes, MIME types and CSP header that
// Electron's protocol.handle would give it (with `options.firstScreen`, index.html pre-rendered as the
// main process serves it). Only the origin differs: http://127.0.0.1:<port>.
import { createServer, type Server } from "node:http";
import { APP_ORIGIN } from "../../src/main/app-origin.std.ts";
import { createAppProtocolHandler, type AppProtocolOptions } from "../../src/main/app-protocol.node.ts";

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

export async function serveDirectory(root: string, options: AppProtocolOptions = {}): Promise<StaticServer> {
  const handle = createAppProtocolHandler(root, options);
  const server: Server = createServer((req, res) => {
    // The raw request target, unparsed: the handler judges it exactly as it judges Chromium's URL.
    const url = `${APP_ORIGIN}${req.url ?? "/"}`;
    handle({ method: req.method ?? "GET", url } as Request).then(
      async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
