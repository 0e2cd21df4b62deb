// npm run demo: the whole story on a fresh machine, in one terminal. Starts a local gateway with
// the plugin (the test harness's runtime, loopback only), creates a code as its operator, pairs the
// headless client with it, shows every state change, revokes the device and shows REVOKED.
import { CliProcess, newKeychainService, runCli } from "../test/harness/cli.ts";
import { startGateway } from "../test/harness/gateway.ts";

const say = (s: string) => process.stdout.write(`\n\x1b[1m» ${s}\x1b[0m\n`);
const show = (line: any) => {
  const activity = line.activity && line.activity !== "idle" ? ` (${line.activity})` : "";
  const step = line.pairingStep ? `[${line.pairingStep}] ` : "";
  process.stdout.write(
    `  ocmap: ${line.state ?? line.type}${activity} ${step}— ${line.reason?.message ?? line.message ?? ""}\n`,
  );
};

say("Starting a local OpenClaw gateway with the ocmap-pairing plugin (about 10 s)…");
const gateway = await startGateway();
const service = newKeychainService();
try {
  say(`Gateway ready at ${gateway.url}. As its operator: pairing.createCode`);
  const code = await gateway.call("pairing.createCode", { access: "standard", label: "demo" });
  process.stdout.write(
    `  code ${code.code}, expires in ${Math.round((code.expiresAtMs - Date.now()) / 1000)} s, ` +
      `link ${code.pairingLink}\n  gateway identity ${code.gatewayFingerprint} (read it out beside the code)\n`,
  );

  say(`On the client: ocmap pair ${gateway.url} ${code.code}`);
  const paired = await runCli(service, ["pair", gateway.url, code.code, "--json"]);
  paired.lines.forEach(show);
  if (paired.code !== 0) throw new Error(`pairing failed (exit ${paired.code})`);

  say("ocmap connect (stays connected, one line per state change)");
  const client = new CliProcess(service, ["connect", "--json"]);
  const connected = await client.waitForLine((l) => l.state === "PAIRED_CONNECTED", "connected");
  show(connected);
  process.stdout.write(`  the client pinned gateway identity ${connected.gateway.fingerprint}\n`);
  const list = await gateway.call("pairing.list", {});
  const device = list.devices.find((d: any) => d.deviceId === connected.device.id);
  process.stdout.write(
    `  Clawpodz sees: ${device.displayName}, fingerprint ${device.fingerprint}, connected: ${device.connected}\n`,
  );

  say("As the operator: pairing.revokeDevice");
  const t0 = performance.now();
  await gateway.call("pairing.revokeDevice", { deviceId: device.deviceId, reason: "demo" });
  const revoked = await client.waitForLine((l) => l.state === "REVOKED", "revoked");
  show(revoked);
  process.stdout.write(
    `  revoked → client REVOKED in ${(performance.now() - t0).toFixed(0)} ms; ` +
      `ocmap connect exited ${await client.exited}\n`,
  );
  const status = await runCli(service, ["status"]);
  say(`ocmap status now: exit ${status.code} (3 = not paired: the keychain entry was wiped)`);
} finally {
  await gateway.dispose();
}
