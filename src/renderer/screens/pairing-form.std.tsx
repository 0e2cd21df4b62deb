// Gateway address and one-time code. The code is formatted as it is typed and a typo (wrong check
// symbol) is flagged before anything is sent.
import { useLayoutEffect, useRef, useState, type ChangeEvent, type FormEvent } from "react";
import type { CoreView } from "../../core/core-view.std.ts";
import { parseGatewayUrl } from "../../core/gateway-url.std.ts";
import { parsePairingCode } from "@ocmap/protocol/pairing-code";
import { codeSymbolCount, formatCodeInput } from "../code-input.std.ts";
import { errorSentence, KEYCHAIN_ERRORS } from "../error-text.std.ts";
import { DOCS_URL } from "../../main/external-links.std.ts";
import { ErrorAlert, InsecureWarning, ScreenHeading } from "../parts.std.tsx";
import { detectPairingInput, parseSetupCode } from "../../core/setup-code.std.ts";
import { StockGatewayNote } from "./stock-gateway-note.std.tsx";

/** A gateway's own setup code or oc-pair:// link (for a gateway without ocmap-pairing), pasted whole. */
const isSetupCode = (text: string) => ["setup-code", "setup-link"].includes(detectPairingInput(text));

export interface PairingFormProps {
  core: CoreView;
  gateway: string;
  code: string;
  onGatewayChange(value: string): void;
  onCodeChange(value: string): void;
  onSubmit(gatewayUrl: string, code: string): void;
  onRetryKeychain(): void;
  /** Focus the first field the user needs, once: false until the remembered address is filled in. */
  autoFocus: boolean;
}

export function PairingForm(props: PairingFormProps) {
  const [submitted, setSubmitted] = useState(false);
  const gatewayRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  const caret = useRef<number | null>(null);
  const focused = useRef(false);

  // The code field also takes a setup code, which names its gateway itself: then the address field steps aside.
  const setup = isSetupCode(props.code) ? parseSetupCode(props.code) : null;
  const url = parseGatewayUrl(setup?.ok ? setup.gatewayUrl : props.gateway);
  const code = parsePairingCode(props.code);
  const gatewayError = submitted && !url.ok && !setup ? url.message : null;
  // A full-length code is checked at once: the check symbol catches a typo before any request.
  const codeError = setup
    ? setup.ok
      ? null
      : setup.message
    : (submitted || codeSymbolCount(props.code) >= 8) && !code.ok
      ? code.message
      : null;
  const error = props.core.lastError;

  useLayoutEffect(() => {
    if (caret.current !== null && codeRef.current === codeRef.current?.ownerDocument.activeElement)
      codeRef.current?.setSelectionRange(caret.current, caret.current);
    caret.current = null;
  }, [props.code]);

  useLayoutEffect(() => {
    // Keyboard users start typing where the form needs them; once, when the form appears.
    if (!props.autoFocus || focused.current) return;
    focused.current = true;
    (props.gateway ? codeRef : gatewayRef).current?.focus();
  }, [props.autoFocus]);

  const onCode = (event: ChangeEvent<HTMLInputElement>) => {
    if (isSetupCode(event.target.value)) return props.onCodeChange(event.target.value.trim());
    const next = formatCodeInput(
      event.target.value,
      event.target.selectionStart ?? event.target.value.length,
      props.code,
    );
    caret.current = next.caret;
    props.onCodeChange(next.value);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (setup) return setup.ok ? props.onSubmit(setup.gatewayUrl, props.code) : codeRef.current?.focus();
    if (!url.ok) return gatewayRef.current?.focus();
    if (!code.ok) return codeRef.current?.focus();
    props.onSubmit(props.gateway.trim(), code.display);
  };

  return (
    <>
      <ScreenHeading focus={false}>Pair with your gateway</ScreenHeading>
      <p>
        Enter your OpenClaw gateway&rsquo;s address and the one-time pairing code shown in Clawpodz (or by{" "}
        <code>openclaw gateway call pairing.createCode</code>). A gateway without ocmap-pairing: paste its own setup
        code (from <code>openclaw qr</code>) into the code field.{" "}
        <a href={DOCS_URL} target="_blank" rel="noreferrer">
          How pairing works
        </a>
      </p>
      {props.core.notice && (
        <p className="notice" role="status">
          {props.core.notice.message}
        </p>
      )}
      {error && (
        <ErrorAlert>
          <p>{errorSentence(error)}</p>
          {KEYCHAIN_ERRORS.has(error.code) && error.code !== "KEYCHAIN_CORRUPT" && (
            <button type="button" className="secondary" onClick={props.onRetryKeychain}>
              Try the keychain again
            </button>
          )}
        </ErrorAlert>
      )}
      <form className="pair-form" noValidate onSubmit={submit} aria-label="Pairing">
        {setup?.ok && <StockGatewayNote host={setup.host} id="setup-code-note" />}
        <div className="input-group" hidden={setup?.ok}>
          <label htmlFor="gateway-url">Gateway address</label>
          <input
            ref={gatewayRef}
            id="gateway-url"
            name="gateway"
            type="text"
            inputMode="url"
            autoComplete="url"
            autoCapitalize="off"
            spellCheck={false}
            placeholder="wss://gateway.example.com"
            value={props.gateway}
            onChange={(e) =>
              // A setup code pasted here belongs in the code field (it names the gateway itself).
              isSetupCode(e.target.value)
                ? props.onCodeChange(e.target.value.trim())
                : props.onGatewayChange(e.target.value)
            }
            aria-invalid={gatewayError ? true : undefined}
            aria-describedby={gatewayError ? "gateway-error" : "gateway-hint"}
          />
          {gatewayError ? (
            <p id="gateway-error" className="field-error">
              {gatewayError}
            </p>
          ) : (
            <p id="gateway-hint" className="hint">
              Like wss://gateway.example.com, or 192.168.1.10:18789 on your own network.
            </p>
          )}
          {url.ok && url.insecure && <InsecureWarning host={url.host} />}
        </div>
        <div className="input-group">
          <label htmlFor="pairing-code">Pairing code</label>
          <input
            ref={codeRef}
            id="pairing-code"
            name="code"
            className={setup ? "code-input setup-code" : "code-input"}
            type="text"
            autoComplete="one-time-code"
            autoCapitalize="characters"
            autoCorrect="off"
            spellCheck={false}
            placeholder="XXXX-XXXX or a setup code"
            value={props.code}
            onChange={onCode}
            aria-invalid={codeError ? true : undefined}
            aria-describedby={codeError ? "code-error" : "code-hint"}
          />
          {codeError ? (
            <p id="code-error" className="field-error" role="alert">
              {codeError}
            </p>
          ) : (
            <p id="code-hint" className="hint">
              8 characters, or a gateway&rsquo;s setup code. Codes are single use and expire after a few minutes.
            </p>
          )}
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            Pair
          </button>
        </div>
      </form>
    </>
  );
}
