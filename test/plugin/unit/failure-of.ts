import { expect } from "vitest";
import { PairingError } from "../../../gateway-plugin/src/errors.ts";

/** The PairingError a service call rejected with; fails the test if it resolved or threw anything else. */
export async function failureOf(run: Promise<unknown>): Promise<PairingError> {
  const error = await run.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(PairingError);
  return error as PairingError;
}
