// Small pieces every screen uses.
import { useRef, useState, type ReactNode } from "react";
import { isLoopbackHost } from "../core/private-host.std.ts";
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

/** `host` as the views carry it (hostname[:port]). */
export function isLoopback(host: string): boolean {
  try {
    return isLoopbackHost(new URL(`ws://${host}`).hostname);
  } catch {
    return false;
  }
}

/**
 * Plain ws:// is only allowed to this computer and the local network. To this computer nothing crosses a
 * network, so nothing is said; to the local network, one line, where a choice is still made (before pairing).
 */
export function InsecureWarning({ host }: { host: string }) {
  if (isLoopback(host)) return null;
  return (
    <p className="warning" role="note">
      <strong>Unencrypted (ws://):</strong> readable by others on your local network.
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

export function Field({
  label,
  value,
  mono = false,
  hint,
}: {
  label: string;
  value: ReactNode;
  mono?: boolean;
  hint?: ReactNode;
}) {
  return (
    <div className="field">
      <dt>{label}</dt>
      <dd>
        <span className={mono ? "mono" : undefined}>{value}</span>
        {hint && <span className="fact-hint">{hint}</span>}
      </dd>
    </div>
  );
}

/** A fingerprint the user can select whole or copy with one click. */
export function CopyableFingerprint({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const textRef = useRef<HTMLSpanElement>(null);
  const copy = () => {
    const node = textRef.current;
    const win = node?.ownerDocument.defaultView;
    if (!node || !win) return;
    const done = () => setCopied(true);
    win.navigator.clipboard.writeText(value).then(done, () => {
      // Where the clipboard API is refused, copying the selected text still works from a click.
      const range = node.ownerDocument.createRange();
      range.selectNodeContents(node);
      win.getSelection()?.removeAllRanges();
      win.getSelection()?.addRange(range);
      if (node.ownerDocument.execCommand("copy")) done();
    });
  };
  return (
    <span className="copyable">
      <span ref={textRef} className="mono select-all">
        {value}
      </span>{" "}
      <button type="button" className="secondary small" onClick={copy} aria-label={`Copy ${label}`}>
        {copied ? "Copied" : "Copy"}
      </button>
    </span>
  );
}
