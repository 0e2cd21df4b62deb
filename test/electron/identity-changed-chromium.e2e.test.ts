// The renderer in Debian's Chromium, bound to the real main-process handlers, core and keychain, when the
// paired gateway's address answers with a certificate the pinned identity key did not sign (an impostor):
// the identity-changed screen says what happened and what to do, Settings shows the pinned identity, and
// the pairing is kept.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build as viteBuild } from "vite";
import { afterAll, beforeAll, expect, it } from "vitest";
import { gatewayFingerprint } from "@ocmap/protocol/gateway-identity";
import { createIdentity } from "../../src/core/identity.node.ts";
import { Keystore, type TrustRecord } from "../../src/core/keystore.node.ts";
import { createAppController, type AppController } from "../../src/main/app-controller.node.ts";
import { newKeychainService } from "../harness/cli.ts";
import { gatewayKeys, wipeAllGateways } from "../harness/gateway-keys.ts";
import { repoRoot } from "../harness/gateway.ts";
import { makeSelfSignedCertificate } from "../harness/tls-certs.ts";
import { openRenderer, type RendererSession } from "./renderer-in-chromium.ts";
import { serveDirectory, type StaticServer } from "./static-server.ts";

const SHOTS = join(repoRoot, "test-results/screenshots");
const keystore = new Keystore({ service: newKeychainService() });
const pinnedKey = Buffer.alloc(32, 7).toString("base64url");
let impostor: https.Server;
let impostorRequests = 0;
let outDir: string;
let server: StaticServer;
let renderer: RendererSession;
let controller: AppController;
let trust: TrustRecord;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // Answers every request with 404: it serves its own certificate and holds no statement from the pinned key.
  impostor = https.createServer(makeSelfSignedCertificate("impostor"), (req, res) => {
    impostorRequests++;
    res.writeHead(404, { "content-type": "application/json" }).end('{"ok":false}');
  });
  await new Promise<void>((resolve) => impostor.listen(0, "127.0.0.1", resolve));
  const identity = createIdentity();
  trust = {
    gatewayUrl: `wss://127.0.0.1:${(impostor.address() as AddressInfo).port}`,
    deviceId: identity.deviceId,
    deviceToken: "a-device-token-that-must-never-leave-the-keychain",
    role: "operator",
    scopes: ["operator.read"],
    pairedAtMs: Date.now(),
    displayName: "OCMAP on test",
    gatewayIdentity: { publicKey: pinnedKey, tlsPin: Buffer.alloc(32, 9).toString("base64url") },
  };
  await keystore.saveIdentity(identity);
  await keystore.saveTrust(trust);
  outDir = mkdtempSync(join(tmpdir(), "ocmap-renderer-"));
  await viteBuild({
    configFile: join(repoRoot, "src/renderer/vite.config.ts"),
    logLevel: "error",
    build: { outDir, emptyOutDir: true },
  });
  server = await serveDirectory(outDir);
  controller = createAppController({ keystore });
  controller.start();
  renderer = await openRenderer(`${server.origin}/index.html`, controller);
});

afterAll(async () => {
  controller?.stop();
  await renderer?.close();
  await server?.close();
  impostor?.close();
  await wipeAllGateways(keystore.service).catch(() => undefined);
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

it("shows the identity-changed screen, keeps the pairing, and shows the pinned identity in Settings", async () => {
  const page = renderer.page;
  await page.locator('[data-screen="identity-changed"]').waitFor({ timeout: 30_000 });
  await page.getByRole("heading", { level: 1, name: "The gateway's identity changed" }).waitFor();
  const fingerprint = gatewayFingerprint(pinnedKey);
  const screen = page.locator('[data-screen="identity-changed"]');
  expect(await screen.getByText(fingerprint).count()).toBe(1);
  expect(await screen.getByText("OCMAP sent nothing to it").count()).toBe(1);
  // The old single record moved to this gateway's own entries: the list names it, with the pinned identity.
  expect(await page.getByRole("navigation", { name: "Gateways" }).getByText(fingerprint).count()).toBe(1);
  await page.screenshot({ path: join(SHOTS, "identity-changed.png"), fullPage: true });
  expect(controller.view().core).toMatchObject({
    state: "PAIRED_DISCONNECTED",
    lastError: { code: "GATEWAY_IDENTITY_CHANGED" },
  });
  expect(impostorRequests).toBeGreaterThan(0); // only the unauthenticated identity statement was asked for
  expect(await (await gatewayKeys(keystore.service)).loadTrust()).toEqual(trust); // kept, not wiped, not REVOKED

  await page.getByRole("button", { name: "Settings" }).click();
  await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
  expect(await page.getByText(fingerprint).count()).toBe(1);
  const dom = await page.content();
  expect(dom.includes(trust.deviceToken)).toBe(false);
  expect(JSON.stringify(renderer.crossings).includes(trust.deviceToken)).toBe(false);
});
