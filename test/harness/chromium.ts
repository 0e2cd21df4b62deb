// One place for how tests and benches start the system Chromium: headless, and quiet on the network (no background
// requests, updates or sync), so a run sends nothing beyond loopback.
import { chromium, type Browser, type BrowserContext } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A browser on a fresh temporary profile that Playwright deletes on close. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

type PersistentOptions = Omit<
  NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>,
  "executablePath" | "args"
>;

/** A browser context on the given profile directory (the caller owns and removes it). */
export function launchPersistentChromium(
  userDataDir: string,
  options: PersistentOptions = {},
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    ...options,
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
}
