// A loopback TCP proxy between a client and the gateway, to break the network on purpose:
// `drop` resets every proxied connection (RST, no WebSocket close frame), `cut` also refuses new
// ones until `restore`, and `stall` stops forwarding on the open connections while keeping them
// open (a black hole: no FIN, no RST), as a dead NAT mapping or a pulled cable would. `hold` accepts new
// connections but forwards nothing of them until `release`: a connect that is still opening.
import net from "node:net";

export interface TcpProxy {
  port: number;
  url: string;
  /** Connections refused (reset at once) while cut. */
  refused(): number;
  /** When a byte last went from the gateway to a client (a tick, a response). */
  lastForwardedAt(): number;
  /** Every byte it relayed, per connection and direction (what an eavesdropper would record). */
  recorded(): Array<{ fromClient: Buffer; fromServer: Buffer }>;
  /** Proxied connections open right now. */
  open(): number;
  drop(): void;
  cut(): void;
  restore(): void;
  stall(): void;
  /** New connections are accepted; their bytes wait (buffered) until `release`. */
  hold(): void;
  /** Connections accepted while holding. */
  held(): number;
  release(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  type Pair = { client: net.Socket; upstream: net.Socket };
  const pairs = new Set<Pair>();
  const stalled = new Set<Pair>();
  let refused = 0;
  let refusing = false;
  let holding = false;
  let heldCount = 0;
  const waiting: Array<() => void> = [];
  let lastForwardedAt = 0;
  const recording: Array<{ fromClient: Buffer[]; fromServer: Buffer[] }> = [];

  const server = net.createServer((client) => {
    if (refusing) {
      refused++;
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(targetPort, "127.0.0.1");
    const pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      stalled.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    const recorded = { fromClient: [] as Buffer[], fromServer: [] as Buffer[] };
    recording.push(recorded);
    upstream.on("data", (chunk: Buffer) => {
      recorded.fromServer.push(chunk);
      if (pairs.has(pair)) lastForwardedAt = Date.now();
    });
    client.on("data", (chunk: Buffer) => recorded.fromClient.push(chunk));
    const connect = () => {
      client.pipe(upstream);
      upstream.pipe(client);
    };
    if (holding) {
      heldCount++;
      client.pause();
      waiting.push(connect);
    } else connect();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;

  const drop = () => {
    for (const { client, upstream } of [...pairs]) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    pairs.clear();
  };

  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    refused: () => refused,
    lastForwardedAt: () => lastForwardedAt,
    recorded: () =>
      recording.map((r) => ({ fromClient: Buffer.concat(r.fromClient), fromServer: Buffer.concat(r.fromServer) })),
    open: () => pairs.size,
    drop,
    cut() {
      refusing = true;
      drop();
    },
    restore() {
      refusing = false;
    },
    stall() {
      for (const pair of [...pairs]) {
        const { client, upstream } = pair;
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
        pairs.delete(pair); // no longer proxied; both sockets stay open until the client gives up
        stalled.add(pair);
      }
    },
    hold() {
      holding = true;
    },
    held: () => heldCount,
    release() {
      holding = false;
      for (const connect of waiting.splice(0)) connect();
    },
    close() {
      drop();
      for (const { client, upstream } of stalled) {
        client.destroy();
        upstream.destroy();
      }
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
