import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fromKeytarError } from "../../src/core/keystore-error.std.ts";

describe("fromKeytarError", () => {
  it("maps the OS's texts to codes", () => {
    expect(fromKeytarError(new Error("Cannot autolaunch D-Bus without X11 $DISPLAY")).code).toBe(
      "KEYCHAIN_UNAVAILABLE",
    );
    expect(
      fromKeytarError(new Error("The name org.freedesktop.secrets was not provided by any .service files")).code,
    ).toBe("KEYCHAIN_UNAVAILABLE");
    expect(fromKeytarError(new Error("Cannot create an item in a locked collection")).code).toBe("KEYCHAIN_LOCKED");
    expect(fromKeytarError(new Error("Something else broke")).code).toBe("KEYCHAIN_FAILED");
  });

  it("cuts the values in play out of an unknown OS text", () => {
    const secret = randomBytes(32).toString("base64url");
    const err = fromKeytarError(new Error(`failed storing ${secret}`), [secret]);
    expect(err.code).toBe("KEYCHAIN_FAILED");
    expect(err.message).toBe(
      "The system keychain refused the request (failed storing [redacted]). Try again; if it keeps failing, " +
        "check your keyring.",
    );
  });

  it("redacts before shortening a long OS text, so no prefix of a secret survives the cut", () => {
    const secret = randomBytes(32).toString("base64url");
    const err = fromKeytarError(new Error(`${"x".repeat(295)}${secret}`), [secret]);
    expect(err.message).not.toContain(secret.slice(0, 5));
    expect(err.message).toContain(`${"x".repeat(295)}[reda)`);
  });
});
