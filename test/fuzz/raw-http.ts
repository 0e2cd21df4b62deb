// HTTP/1.1 over a raw loopback socket, for requests that http.request cannot express (repeated
// Content-Length, a body without any length, byte-by-byte bodies, a body that never ends).
import net from "node:net";

export interface RawReply {
  /** 0 when the server closed the connection without an HTTP answer. */
  status: number;
  headers: Record<string, string[]>;
  body: any;
  text: string;
  /** How long until the server answered (or closed), from the first byte sent. */
  ms: number;
}

export interface RawOptions {
  /** Pause between the pieces. */
  gapMs?: number;
  /** Half-close after the last piece (the client is done sending). */
  end?: boolean;
  /** Destroy the socket after the last piece without waiting for an answer. */
  abort?: boolean;
  timeoutMs?: number;
}

export function rawHttp(port: number, pieces: Array<string | Buffer>, options: RawOptions = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const started = Date.now();
    let answeredAt = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${options.timeoutMs ?? 20_000} ms`));
    }, options.timeoutMs ?? 20_000);
    socket.on("data", (chunk) => {
      answeredAt ||= Date.now();
      chunks.push(chunk);
    });
    socket.on("error", () => undefined); // a reset after the answer is how some of these end
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(parseReply(Buffer.concat(chunks).toString("utf8"), (answeredAt || Date.now()) - started));
    });
    socket.on("connect", async () => {
      for (const piece of pieces) {
        if (socket.destroyed) return;
        socket.write(piece);
        if (options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs));
      }
      if (options.abort) socket.destroy();
      else if (options.end) socket.end();
    });
  });
}

/** One request's head: method, path, then header lines exactly as given (repeats allowed). */
export function head(method: string, path: string, headers: Array<[string, string | number]>): string {
  const headerLines = headers.map(([name, value]) => `${name}: ${value}\r\n`).join("");
  return `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headerLines}Connection: close\r\n\r\n`;
}

function parseReply(text: string, ms: number): RawReply {
  const split = text.indexOf("\r\n\r\n");
  const headText = split === -1 ? text : text.slice(0, split);
  const statusMatch = /^HTTP\/1\.[01] (\d{3})/.exec(headText);
  const headers: Record<string, string[]> = {};
  for (const line of headText.split("\r\n").slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) (headers[line.slice(0, colon).toLowerCase()] ??= []).push(line.slice(colon + 1).trim());
  }
  const length = Number(headers["content-length"]?.[0] ?? NaN);
  const rest = split === -1 ? "" : text.slice(split + 4);
  const bodyText = Number.isInteger(length) ? rest.slice(0, length) : rest; // only the first response
  let body: any = bodyText;
  try {
    body = JSON.parse(bodyText);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: statusMatch ? Number(statusMatch[1]) : 0, headers, body, text: bodyText, ms };
}
