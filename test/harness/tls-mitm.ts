// A TLS man in the middle: terminates TLS with its own self-signed certificate, opens its own TLS connection
// to the real target (accepting anything), and relays, recording the plaintext it saw in each direction.
// A client that checks its pin must make this proxy see zero client bytes.
import net from "node:net";
import tls from "node:tls";
import { makeSelfSignedCertificate, type TestCertificate } from "./tls-certs.ts";

export interface TlsMitm {
  port: number;
  certificate: TestCertificate;
  /** Plaintext the client sent (what the MITM could read), all connections. */
  fromClient(): Buffer;
  fromServer(): Buffer;
  /** TCP connections from clients (with TLS 1.3 a client may refuse the certificate before the proxy's
   * side of the handshake completes, so this, not `handshakes`, counts every attempt). */
  connections(): number;
  /** Client TCP connections that ended (closed by either side). */
  closed(): number;
  /** TLS handshakes the proxy completed with a client. */
  handshakes(): number;
  close(): Promise<void>;
}

export async function startTlsMitm(targetPort: number, targetHost = "127.0.0.1"): Promise<TlsMitm> {
  const certificate = makeSelfSignedCertificate("mitm");
  const fromClient: Buffer[] = [];
  const fromServer: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  let handshakes = 0;
  let closed = 0;
  let connections = 0;
  const server = tls.createServer({ key: certificate.key, cert: certificate.cert }, (client) => {
    handshakes++;
    const upstream = tls.connect({ host: targetHost, port: targetPort, rejectUnauthorized: false });
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("data", (chunk: Buffer) => {
      fromClient.push(chunk);
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      fromServer.push(chunk);
      client.write(chunk);
    });
    client.on("close", () => {
      sockets.delete(client);
      end();
    });
    upstream.on("close", () => {
      sockets.delete(upstream);
      end();
    });
    client.on("error", end);
    upstream.on("error", end);
  });
  server.on("connection", (raw: net.Socket) => {
    connections++;
    raw.on("close", () => closed++);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    certificate,
    fromClient: () => Buffer.concat(fromClient),
    fromServer: () => Buffer.concat(fromServer),
    connections: () => connections,
    handshakes: () => handshakes,
    closed: () => closed,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
