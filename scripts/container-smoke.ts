// The CLI's container image against a real gateway (the hosted workflow's `container` job; docker cannot run
// on the project's own test machines). Starts a gateway with the plugin on loopback, creates a one-use
// ephemeral enrollment key, runs the image on the host network with the key and a store key as mounted
// secrets and the store on a volume, and waits for Docker's HEALTHCHECK (`ocmap call health`) to say healthy;
// then restarts the container: it must come back healthy from its volume without enrolling again (the key's
// only use is spent). Usage: npx tsx scripts/container-smoke.ts <image>
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGateway } from "../test/harness/gateway.ts";
import { waitFor } from "../test/harness/wait.ts";

const image = process.argv[2] ?? "ocmap-cli:ci";
const name = `ocmap-smoke-${randomBytes(3).toString("hex")}`;
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const health = () => docker("inspect", "--format", "{{.State.Health.Status}}", name);

const gateway = await startGateway();
const secrets = mkdtempSync(join(tmpdir(), "ocmap-smoke-"));
try {
  const key = await gateway.call("pairing.createEnrollmentKey", { uses: 1, ephemeral: true, namePrefix: "ci-agent" });
  writeFileSync(join(secrets, "enroll.key"), key.key);
  writeFileSync(join(secrets, "store.key"), randomBytes(48).toString("base64"));
  for (const file of ["enroll.key", "store.key"]) chmodSync(join(secrets, file), 0o444); // the image's user reads them
  docker("volume", "create", name);
  const run = ["--name", name, "--network", "host", "--health-interval", "2s", "--health-start-period", "60s"];
  docker(
    "run",
    "-d",
    ...run,
    "-e",
    `OCMAP_GATEWAY_URL=${gateway.url}`,
    "-v",
    `${name}:/var/lib/ocmap`,
    "-v",
    `${join(secrets, "enroll.key")}:/run/secrets/ocmap_enroll_key:ro`,
    "-v",
    `${join(secrets, "store.key")}:/run/secrets/ocmap_store_key:ro`,
    image,
  );
  const connected = async () =>
    (await gateway.call("pairing.list", {})).devices.find((d: any) => d.keyId === key.keyId && d.connected);
  await waitFor(() => health() === "healthy", "the container healthy", 180_000, 1000);
  const device = await waitFor(connected, "the enrolled device connected", 30_000, 500);
  console.log(
    `healthy; enrolled as ${device.displayName} (${device.fingerprint}), user ${docker("exec", name, "id", "-un")}`,
  );
  docker("restart", name);
  await waitFor(() => health() === "starting" || health() === "healthy", "the container restarted", 60_000, 500);
  await waitFor(() => health() === "healthy", "healthy again after a restart", 180_000, 1000);
  const devices = (await gateway.call("pairing.list", {})).devices.filter((d: any) => d.keyId === key.keyId);
  if (devices.length !== 1)
    throw new Error(`expected the one enrolled device after a restart, found ${devices.length}`);
  console.log("restarted from its volume: healthy, same device, no second enrollment");
} catch (err) {
  console.error(String(err));
  try {
    console.error(docker("logs", name));
  } catch {
    // no container to show
  }
  process.exitCode = 1;
} finally {
  try {
    docker("rm", "-f", name);
    docker("volume", "rm", name);
  } catch {
    // never created
  }
  rmSync(secrets, { recursive: true, force: true });
  await gateway.dispose();
}
