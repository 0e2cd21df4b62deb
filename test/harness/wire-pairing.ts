// The contract's v2 pairing sequence done by hand over HTTP + the test wire client, for plugin tests
// (docs/pairing-protocol.md): /start and /confirm run CPace with @ocmap/protocol, the grant is opened here.
import { X509Certificate, createHash } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { expect } from "vitest";
import { exchangeMac, abandonMac, openSealedJson, type PairingKeys } from "@ocmap/protocol/pairing-keys";
import { parsePairingCode } from "@ocmap/protocol/pairing-code";
import { exchangeSignaturePayload } from "@ocmap/protocol/pairing-protocol";
import { V2_PATHS, clientPake, serverConfirmationValid, type SealedGrant } from "@ocmap/protocol/pairing-v2";
import type { Gateway } from "./gateway.ts";
import { newWireDevice, signWith, wireConnect, type WireDevice, type WireSession } from "./wire-client.ts";

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  /** Over https: the SPKI pin (SHA-256, base64url) of the certificate the server presented. */
  peerPin?: string;
}

type PostOptions = { localAddress?: string; headers?: Record<string, string>; method?: string; raw?: string | Buffer };

/**
 * POST with full control over the request (source address, headers, raw body). Over https the server's
 * certificate is not verified but recorded (`peerPin`), as the client's capture mode does.
 */
export function post(
  gateway: Pick<Gateway, "port" | "httpUrl">,
  path: string,
  body: unknown,
  postOptions: PostOptions = {},
) {
  const data = postOptions.raw ?? JSON.stringify(body);
  const tls = gateway.httpUrl.startsWith("https:");
  return new Promise<HttpReply>((resolve, reject) => {
    const options = {
      host: "127.0.0.1",
      port: gateway.port,
      path,
      method: postOptions.method ?? "POST",
      localAddress: postOptions.localAddress,
      headers: {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(data),
        ...postOptions.headers,
      },
      // A fresh connection per request: a kept-alive TLS socket would show an earlier certificate.
      agent: false,
      ...(tls ? { rejectUnauthorized: false } : {}),
    };
    const req = (tls ? httpsRequest : httpRequest)(options, (res) => {
      let text = "";
      // From the DER certificate: `pubkey` is the SPKI only for some key types (a raw point for EC).
      const raw = tls ? (res.socket as TLSSocket).getPeerCertificate().raw : undefined;
      const spki = raw ? new X509Certificate(raw).publicKey.export({ type: "spki", format: "der" }) : undefined;
      res.on("data", (d) => (text += d));
      res.on("end", () => {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* keep text */
        }
        const peerPin = spki ? createHash("sha256").update(spki).digest("base64url") : undefined;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, ...(peerPin ? { peerPin } : {}) });
      });
    });
    req.on("error", reject);
    req.end(data);
  });
}

type Target = Pick<Gateway, "port" | "httpUrl">;

/** /v2/start for `code` (display or canonical form): the request sent, the reply, and how to go on. */
export async function start(gateway: Target, code: string, postOptions?: PostOptions) {
  const parsed = parsePairingCode(code);
  if (!parsed.ok) throw new Error(`not a code: ${parsed.reason}`);
  const pake = clientPake(parsed.code);
  const reply = await post(gateway, V2_PATHS.start, pake.request, postOptions);
  return { pake, request: pake.request, reply };
}

export interface Granted {
  sessionId: string;
  keys: PairingKeys;
  grant: SealedGrant;
  /** Exactly what was sent, for replay tests. */
  sent: { start: unknown; confirm: unknown };
  confirmReply: HttpReply;
}

/** /start then /confirm; throws unless the plugin proved the key and the grant opens. */
export async function pakeGrant(gateway: Target, code: string, postOptions?: PostOptions): Promise<Granted> {
  const started = await start(gateway, code, postOptions);
  if (started.reply.status !== 200)
    throw new Error(`start ${started.reply.status} ${JSON.stringify(started.reply.body)}`);
  const { sessionId } = started.reply.body;
  const { keys, confirm } = started.pake.finish(started.reply.body);
  const confirmBody = { sessionId, confirm };
  const reply = await post(gateway, V2_PATHS.confirm, confirmBody, postOptions);
  if (reply.status !== 200) throw new Error(`confirm ${reply.status} ${JSON.stringify(reply.body)}`);
  if (!serverConfirmationValid(keys, sessionId, reply.body.confirm)) throw new Error("server confirmation invalid");
  const grant = openSealedJson(keys, sessionId, reply.body.sealed) as SealedGrant | undefined;
  if (!grant) throw new Error("the sealed grant did not open");
  return { sessionId, keys, grant, sent: { start: started.request, confirm: confirmBody }, confirmReply: reply };
}

/** An exchange body; every field (and what the MAC covers) can be made wrong on purpose. */
export function exchangeBody(options: {
  granted: Pick<Granted, "sessionId" | "keys" | "grant">;
  requestId?: string;
  device: WireDevice;
  signer?: WireDevice;
  signedAt?: number;
  id?: string;
  nonce?: string;
  /** Compute the MAC over these values instead of the body's. */
  macOver?: { requestId?: string; deviceId?: string; publicKey?: string; keys?: PairingKeys };
}) {
  const signedAt = options.signedAt ?? Date.now();
  const id = options.id ?? options.device.id;
  const requestId = options.requestId ?? "";
  const signed = exchangeSignaturePayload({
    nonce: options.nonce ?? options.granted.grant.nonce,
    requestId,
    id,
    publicKey: options.device.publicKey,
    signedAt,
  });
  const mac = exchangeMac(options.macOver?.keys ?? options.granted.keys, {
    sessionId: options.granted.sessionId,
    requestId: options.macOver?.requestId ?? requestId,
    deviceId: options.macOver?.deviceId ?? id,
    publicKey: options.macOver?.publicKey ?? options.device.publicKey,
  });
  return {
    sessionId: options.granted.sessionId,
    ...(options.requestId ? { requestId: options.requestId } : {}),
    device: {
      id,
      publicKey: options.device.publicKey,
      signature: signWith(options.signer ?? options.device, signed),
      signedAt,
    },
    mac,
  };
}

export const exchange = (gateway: Target, body: unknown, postOptions?: PostOptions) =>
  post(gateway, V2_PATHS.exchange, body, postOptions);

export const abandon = (gateway: Target, granted: Pick<Granted, "sessionId" | "keys">, postOptions?: PostOptions) =>
  post(
    gateway,
    V2_PATHS.abandon,
    { sessionId: granted.sessionId, mac: abandonMac(granted.keys, granted.sessionId) },
    postOptions,
  );

/** Bootstrap connect as the contract's client would; returns the requestId from NOT_PAIRED. */
export async function bootstrapConnect(
  gateway: Pick<Gateway, "url"> & Partial<Pick<Gateway, "tlsOptions">>,
  device: WireDevice,
  bootstrapToken: string,
  scopes: string[],
) {
  const connected = await wireConnect({
    url: gateway.url,
    device,
    auth: { bootstrapToken },
    scopes,
    displayName: "OCMAP on test",
    wsOptions: gateway.tlsOptions?.() ?? {},
  });
  if (connected.ok) return { helloOk: true as const, session: connected.session, hello: connected.hello };
  await connected.close;
  return {
    helloOk: false as const,
    error: connected.error,
    requestId: (connected.error.details as { requestId?: string } | undefined)?.requestId,
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
  granted: Granted;
}

/** Reconnects with the stored device token alone: the gateway's refusal code, or null if it let the device in. */
export async function storedTokenRefusal(gateway: Gateway, paired: Pick<Paired, "device" | "deviceToken" | "scopes">) {
  const retry = await wireConnect({
    url: gateway.url,
    device: paired.device,
    auth: { deviceToken: paired.deviceToken },
    scopes: paired.scopes,
    wsOptions: gateway.tlsOptions(),
  });
  if (!retry.ok) return retry.error.details?.code ?? retry.error.code;
  retry.session.close();
  return null;
}

/** createCode → /start → /confirm → NOT_PAIRED → /exchange → hello-ok with a device token. */
export async function pairNewDevice(
  gateway: Gateway,
  access: "standard" | "read-only" | "full" = "standard",
  device = newWireDevice(),
): Promise<Paired> {
  const created = await gateway.call("pairing.createCode", { access });
  const granted = await pakeGrant(gateway, created.code);
  const { bootstrapToken, scopes } = granted.grant;
  const first = await bootstrapConnect(gateway, device, bootstrapToken, scopes);
  if (first.helloOk) throw new Error("expected NOT_PAIRED on the first bootstrap connect");
  const ex = await exchange(gateway, exchangeBody({ granted, requestId: first.requestId, device }));
  if (ex.status !== 200) throw new Error(`exchange ${ex.status} ${JSON.stringify(ex.body)}`);
  const final = await wireConnect({
    url: gateway.url,
    device,
    auth: { bootstrapToken },
    scopes,
    displayName: "OCMAP on test",
    wsOptions: gateway.tlsOptions(),
  });
  if (!final.ok) throw new Error(`final connect ${final.error.code}`);
  const deviceToken = (final.hello as { auth?: { deviceToken?: string } }).auth?.deviceToken;
  if (!deviceToken) throw new Error("no device token in hello-ok");
  return {
    device,
    code: created.code,
    codeId: created.codeId,
    bootstrapToken,
    deviceToken,
    scopes,
    session: final.session,
    granted,
  };
}

/** A discriminator (2 symbols) that no active code of `codes` has. */
export function unusedDiscriminator(codes: string[]): string {
  const taken = new Set(codes.map((code) => code.slice(0, 2)));
  for (const candidate of ["00", "ZZ", "11", "YY"]) if (!taken.has(candidate)) return candidate;
  throw new Error("no unused discriminator among four candidates");
}

/** Everything secret a test handed out, for its final scan of logs, lists and state files. */
export function secretRecorder() {
  const secrets = new Set<string>();
  const remember = (pairing: { code: string; granted?: Granted; deviceToken?: string }) => {
    secrets.add(pairing.code).add(pairing.code.replace("-", ""));
    if (pairing.granted) secrets.add(pairing.granted.grant.bootstrapToken);
    if (pairing.deviceToken) secrets.add(pairing.deviceToken);
  };
  /** No secret handed out is in pairing.list, the plugin's state file or the gateway log. */
  const expectNoneLeaked = async (gateway: Gateway, atLeast: number) => {
    const dir = join(gateway.stateDir, "plugins/ocmap-pairing");
    secrets.add(JSON.parse(readFileSync(join(dir, "gateway-identity.key"), "utf8")).privateKey);
    expect(secrets.size).toBeGreaterThan(atLeast);
    const haystacks = {
      "pairing.list": JSON.stringify(await gateway.call("pairing.list", {})),
      "state file": readFileSync(join(dir, "state.json"), "utf8"),
      "gateway log": gateway.logs(),
    };
    expect(haystacks["gateway log"]).toContain("ocmap-pairing: code");
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of secrets) expect(text.includes(secret), `${where} contains a secret`).toBe(false);
    }
  };
  return { remember, expectNoneLeaked };
}
