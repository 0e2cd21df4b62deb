// Small pieces every screen uses.
import type { ReactNode } from "react";
import { useFocusOnMount } from "./focus.std.ts";

/** The screen's title; focused when the screen appears so keyboard and screen-reader users land on it. */
export function ScreenHeading({ children, focus = true }: { children: ReactNode; focus?: boolean }) {
  const ref = useFocusOnMount<HTMLHeadingElement>(focus);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

export function InsecureWarning({ host }: { host: string }) {
  return (
    <p className="warning" role="note">
      <strong>Unencrypted connection.</strong> {host} is reached over plain ws://, which anyone on the network path can
      read. That is only allowed on this computer or your local network; use wss:// for anything else.
    </p>
  );
}

export function ErrorAlert({ children }: { children: ReactNode }) {
  return (
    <div className="alert" role="alert">
      {children}
    </div>
  );
}

export function Field({ label, value, mono = false }: { label: string; value: ReactNode; mono?: boolean }) {
  return (
    <div className="field">
      <dt>{label}</dt>
      <dd className={mono ? "mono" : undefined}>{value}</dd>
    </div>
  );
}
