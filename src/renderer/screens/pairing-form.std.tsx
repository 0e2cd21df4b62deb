// Gateway address and one-time code. The code is formatted as it is typed, pulled out of pasted text, and a typo
// (wrong check symbol) is flagged before anything is sent. A failed attempt's error shows at its field.
import { useLayoutEffect, useRef, useState, type ChangeEvent, type ClipboardEvent, type FormEvent } from "react";
import type { CoreView } from "../../core/core-view.std.ts";
import { parseGatewayUrl } from "../../core/gateway-url.std.ts";
import { parsePairingCode } from "@ocmap/protocol/pairing-code";
import type { PendingLink } from "../../ipc/ipc-contract.std.ts";
import { codeSymbolCount, formatCodeInput, readPastedText } from "../code-input.std.ts";
import { errorSentence, formatWait, KEYCHAIN_ERRORS } from "../error-text.std.ts";
import { DOCS_URL } from "../../main/external-links.std.ts";
import { InsecureWarning, ScreenHeading } from "../parts.std.tsx";
import { detectPairingInput, parseSetupCode } from "../../core/setup-code.std.ts";
import { usePairingError } from "../use-pairing-error.std.ts";
import { StockGatewayNote } from "./stock-gateway-note.std.tsx";
import { FieldMessage } from "./field-message.std.tsx";

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
  /** A pasted ocmap:// link: the app asks about its host first, as for a clicked one. */
  onPastedLink(link: PendingLink): void;
  /** Focus the first field the user needs, once: false until the remembered address is filled in. */
  autoFocus: boolean;
}

export function PairingForm(props: PairingFormProps) {
  const [submitted, setSubmitted] = useState(false);
  const [pasteError, setPasteError] = useState<string | null>(null);
  const gatewayRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  const pairRef = useRef<HTMLButtonElement>(null);
  const caret = useRef<number | null>(null);
  const focused = useRef(false);

  // The code field also takes a setup code, which names its gateway itself: then the address field steps aside.
  const setup = isSetupCode(props.code) ? parseSetupCode(props.code) : null;
  const url = parseGatewayUrl(setup?.ok ? setup.gatewayUrl : props.gateway);
  const code = parsePairingCode(props.code);
  // After "Pair again", the revocation is the old attempt's story: the form shows only what the new one says.
  const lastError =
    props.core.state === "REVOKED" && !KEYCHAIN_ERRORS.has(props.core.lastError?.code ?? "")
      ? null
      : props.core.lastError;
  const failed = usePairingError(lastError, { gateway: props.gateway, code: props.code }, (field) =>
    (field === "gateway" && !setup ? gatewayRef : field === "code" ? codeRef : pairRef).current?.focus(),
  );
  const waiting = failed !== null && failed.waitMs > 0;
  const failedSentence = failed
    ? errorSentence({ ...failed.error, retryAfterMs: undefined }) +
      (failed.waitMs > 0 ? ` You can try again in ${formatWait(failed.waitMs)}.` : "")
    : null;
  const gatewayError =
    submitted && !url.ok && !setup ? url.message : failed?.field === "gateway" && !setup ? failedSentence : null;
  // A full-length code is checked at once: the check symbol catches a typo before any request.
  const codeError =
    pasteError ??
    (setup
      ? setup.ok
        ? failed?.field === "code"
          ? failedSentence
          : null
        : setup.message
      : (submitted || codeSymbolCount(props.code) >= 8) && !code.ok
        ? code.message
        : failed?.field === "code"
          ? failedSentence
          : null);
  const formError = failed && (failed.field === "form" || (failed.field === "gateway" && setup)) ? failed : null;

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
    setPasteError(null);
    if (isSetupCode(event.target.value)) return props.onCodeChange(event.target.value.trim());
    const next = formatCodeInput(
      event.target.value,
      event.target.selectionStart ?? event.target.value.length,
      props.code,
    );
    caret.current = next.caret;
    props.onCodeChange(next.value);
  };

  /** A link or a code inside pasted text: taken out of it, in either field. */
  const onPaste = (event: ClipboardEvent<HTMLInputElement>) => {
    const text = event.clipboardData.getData("text/plain");
    if (isSetupCode(text)) return;
    const pasted = readPastedText(text);
    if (pasted.kind === "other" || (pasted.kind === "code" && event.currentTarget === gatewayRef.current)) return;
    event.preventDefault();
    if (pasted.kind === "link") props.onPastedLink(pasted.link);
    else if (pasted.kind === "bad-link") setPasteError(pasted.message);
    else {
      setPasteError(null);
      props.onCodeChange(pasted.code);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (waiting) return;
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
        Enter your gateway&rsquo;s address and the one-time pairing code its operator gave you.{" "}
        <a href={DOCS_URL} target="_blank" rel="noreferrer">
          How pairing works
        </a>
      </p>
      {props.core.notice && (
        <p className="notice" role="status">
          {props.core.notice.message}
        </p>
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
            onPaste={onPaste}
            onChange={(e) =>
              // A setup code pasted here belongs in the code field (it names the gateway itself).
              isSetupCode(e.target.value)
                ? props.onCodeChange(e.target.value.trim())
                : props.onGatewayChange(e.target.value)
            }
            aria-invalid={gatewayError ? true : undefined}
            aria-describedby={gatewayError ? "gateway-error" : "gateway-hint"}
          />
          <FieldMessage id="gateway" error={gatewayError}>
            Like wss://gateway.example.com, or 192.168.1.10:18789 on your own network.
          </FieldMessage>
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
            placeholder="XXXX-XXXX"
            value={props.code}
            onPaste={onPaste}
            onChange={onCode}
            aria-invalid={codeError ? true : undefined}
            aria-describedby={codeError ? "code-error" : "code-hint"}
          />
          <FieldMessage id="code" error={codeError}>
            8 characters, single use. A gateway without ocmap-pairing gives a longer setup code: paste it here.
          </FieldMessage>
        </div>
        {formError && (
          <div className="alert" role="alert">
            <p>{failedSentence}</p>
            {KEYCHAIN_ERRORS.has(formError.error.code) && formError.error.code !== "KEYCHAIN_CORRUPT" && (
              <button type="button" className="secondary" onClick={props.onRetryKeychain}>
                Try the keychain again
              </button>
            )}
          </div>
        )}
        <div className="actions main-actions">
          <button ref={pairRef} type="submit" className="primary" disabled={waiting}>
            Pair
          </button>
        </div>
      </form>
    </>
  );
}
