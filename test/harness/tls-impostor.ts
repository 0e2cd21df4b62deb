// An impostor gateway for rollback tests: it holds a certificate's private key (an old one, leaked) and answers
// /ocmap-pairing/v2/identity with a statement it recorded from the real gateway. It records every plaintext
// byte a client sends after TLS and every request line, and answers nothing else (a WebSocket upgrade, the
// start of a connect, is recorded and closed).
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import type { TestCertificate } from "./tls-certs.ts";

export interface TlsImpostor {
  port: number;
  url: string;
  /** Request lines received, like "GET /ocmap-pairing/v2/identity". */
  requests(): string[];
  /** Every plaintext byte clients sent (all connections). */
  received(): Buffer;
  /** TCP connections accepted (a client that refuses the certificate still counts here). */
  connections(): number;
  close(): Promise<void>;
}

export async function startTlsImpostor(certificate: TestCertificate, statement: object): Promise<TlsImpostor> {
  const requests: string[] = [];
  const received: Buffer[] = [];
  let connections = 0;
  const server = https.createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const identity = req.url === "/ocmap-pairing/v2/identity";
    res.writeHead(identity ? 200 : 404, { "content-type": "application/json", connection: "close" });
    res.end(JSON.stringify(identity ? statement : { ok: false }));
  });
  server.on("connection", () => connections++);
  server.on("secureConnection", (socket: TLSSocket) => socket.on("data", (chunk: Buffer) => received.push(chunk)));
  server.on("upgrade", (req, socket) => {
    requests.push(`${req.method} ${req.url} (upgrade)`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `wss://127.0.0.1:${port}`,
    requests: () => [...requests],
    received: () => Buffer.concat(received),
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
