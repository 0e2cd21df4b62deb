// The contract's pairing sequence done by hand over HTTP + the test wire client, for plugin tests.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Gateway } from "./gateway.ts";
import { newWireDevice, signWith, wireConnect, type WireDevice, type WireSession } from "./wire-client.ts";

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** POST with full control over the request (source address, headers, raw body). */
export function post(
  g: Gateway,
  path: string,
  body: unknown,
  o: { localAddress?: string; headers?: Record<string, string>; method?: string; raw?: string | Buffer } = {},
): Promise<HttpReply> {
  const data = o.raw ?? JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = g.tlsCertPath ? httpsRequest : httpRequest;
    const req = request(
      {
        ...(g.tlsCertPath ? (g.tlsOptions() as object) : {}),
        host: "127.0.0.1",
        port: g.port,
        path,
        method: o.method ?? "POST",
        localAddress: o.localAddress,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(data), ...o.headers },
      },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* keep text */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

export const redeem = (g: Gateway, code: string, o?: Parameters<typeof post>[3]) =>
  post(g, "/ocmap-pairing/redeem", { code }, o);

export function exchangeBody(o: {
  code: string;
  nonce: string;
  requestId?: string;
  device: WireDevice;
  signer?: WireDevice;
  signedAt?: number;
  id?: string;
}) {
  const signedAt = o.signedAt ?? Date.now();
  const id = o.id ?? o.device.id;
  const text = JSON.stringify(["ocmap-exchange-v1", o.nonce, o.requestId ?? "", id, o.device.publicKey, signedAt]);
  return {
    code: o.code,
    ...(o.requestId ? { requestId: o.requestId } : {}),
    device: {
      id,
      publicKey: o.device.publicKey,
      signature: signWith(o.signer ?? o.device, text),
      signedAt,
      nonce: o.nonce,
    },
  };
}

export const exchange = (g: Gateway, body: unknown, o?: Parameters<typeof post>[3]) =>
  post(g, "/ocmap-pairing/exchange", body, o);

/** Bootstrap connect as the contract's client would; returns the requestId from NOT_PAIRED. */
export async function bootstrapConnect(g: Gateway, device: WireDevice, bootstrapToken: string, scopes: string[]) {
  const r = await wireConnect({
    url: g.url,
    device,
    auth: { bootstrapToken },
    scopes,
    displayName: "OCMAP on test",
    wsOptions: g.tlsOptions(),
  });
  if (r.ok) return { helloOk: true as const, session: r.session, hello: r.hello };
  await r.close;
  return {
    helloOk: false as const,
    error: r.error,
    requestId: (r.error.details as { requestId?: string } | undefined)?.requestId,
  };
}

export interface Paired {
  device: WireDevice;
  code: string;
  codeId: string;
  bootstrapToken: string;
  deviceToken: string;
  scopes: string[];
  session: WireSession;
}

/** createCode → redeem → NOT_PAIRED → exchange → hello-ok with a device token. */
export async function pairNewDevice(
  g: Gateway,
  access: "standard" | "read-only" | "full" = "standard",
  device = newWireDevice(),
): Promise<Paired> {
  const created = await g.call("pairing.createCode", { access });
  const r = await redeem(g, created.code);
  if (r.status !== 200) throw new Error(`redeem ${r.status} ${JSON.stringify(r.body)}`);
  const first = await bootstrapConnect(g, device, r.body.bootstrapToken, r.body.scopes);
  if (first.helloOk) throw new Error("expected NOT_PAIRED on the first bootstrap connect");
  const ex = await exchange(
    g,
    exchangeBody({ code: created.code, nonce: r.body.nonce, requestId: first.requestId, device }),
  );
  if (ex.status !== 200) throw new Error(`exchange ${ex.status} ${JSON.stringify(ex.body)}`);
  const final = await wireConnect({
    url: g.url,
    device,
    auth: { bootstrapToken: r.body.bootstrapToken },
    scopes: r.body.scopes,
    displayName: "OCMAP on test",
    wsOptions: g.tlsOptions(),
  });
  if (!final.ok) throw new Error(`final connect ${final.error.code}`);
  const deviceToken = (final.hello as { auth?: { deviceToken?: string } }).auth?.deviceToken;
  if (!deviceToken) throw new Error("no device token in hello-ok");
  return {
    device,
    code: created.code,
    codeId: created.codeId,
    bootstrapToken: r.body.bootstrapToken,
    deviceToken,
    scopes: r.body.scopes,
    session: final.session,
  };
}
