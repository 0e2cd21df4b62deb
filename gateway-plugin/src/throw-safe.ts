// Every function the gateway, Node or a timer calls into the plugin (method and route handlers, the
// service's start/stop, the sweep timer, the loopback socket's message and close events) runs through
// `safely` (the plugin's `register` is the gateway's to guard: a throw there fails the plugin's load). A throw or
// a rejected promise there would reach the gateway's own handlers for uncaught errors, which end the
// process: `safely` logs it instead (message cut short, anything token-like removed) and lets `onError`
// answer for it (an error reply, a closed socket). Nothing from a caller decides what is logged.
//
// Test-only fault injection: when the gateway runs with OCMAP_PAIRING_TEST_FAULTS set to a file path, each
// call of a wrapped function first reads that file, and throws "injected fault" if the file lists the
// call's name on a line of its own. Only the names in FAULT_POINTS exist; nothing else can be injected, and
// without the variable nothing is read. This is how a test shows that each of them is caught.
import { readFileSync } from "node:fs";

export const FAULT_POINTS = [
  "gateway method",
  "http route",
  "service start",
  "service stop",
  "sweep timer",
  "ephemeral sweep timer",
  "loopback message",
  "loopback close",
] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

export const FAULTS_ENV = "OCMAP_PAIRING_TEST_FAULTS";

export type SafeLog = { warn(msg: string): void };

/**
 * `fn`, made unable to throw or reject: a failure is logged and `onError` gives the result instead
 * (`onError` itself is guarded too: its own failure is only logged).
 */
export function safely<A extends unknown[], R>(
  what: FaultPoint,
  log: SafeLog,
  fn: (...args: A) => R,
  onError?: (error: unknown, ...args: A) => Awaited<R> | undefined | void,
): (...args: A) => R {
  const recover = (error: unknown, args: A) => {
    report(log, what, error);
    try {
      return onError?.(error, ...args);
    } catch (inner) {
      report(log, `${what} error handler`, inner);
      return undefined;
    }
  };
  return (...args: A): R => {
    try {
      injectFault(what);
      const result = fn(...args);
      if (isPromise(result)) return result.catch((error: unknown) => recover(error, args)) as R;
      return result;
    } catch (error) {
      return recover(error, args) as R;
    }
  };
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as Promise<unknown> | undefined)?.then === "function";
}

function report(log: SafeLog, what: string, error: unknown) {
  try {
    log.warn(`ocmap-pairing: ${what} failed: ${describeError(error)}`);
  } catch {
    // A logger that throws has nowhere left to report to.
  }
}

/** The error's text for a log line: at most 200 characters, long random-looking runs (tokens) removed. */
export function describeError(error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error ? `${error.name}: ${error.message}` : `non-error thrown (${typeof error})`;
  } catch {
    text = "unprintable error";
  }
  return (
    text
      // A random base64url run of 20+ characters has an upper-case letter all but always; hex ids and words do not.
      .replace(/[A-Za-z0-9_-]{20,}/g, (run) => (/[A-Z]/.test(run) && /[a-z0-9]/.test(run) ? "[redacted]" : run))
      .slice(0, 200)
  );
}

function injectFault(what: FaultPoint) {
  const path = process.env[FAULTS_ENV];
  if (!path) return;
  let listed: string[];
  try {
    listed = readFileSync(path, "utf8").split("\n");
  } catch {
    return;
  }
  if (listed.includes(what)) throw new Error(`injected fault (${what})`);
}
