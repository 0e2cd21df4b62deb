// Under a form field: its error (announced, and named by the field's aria-describedby) or else its hint.
import type { ReactNode } from "react";

export function FieldMessage({ id, error, children }: { id: string; error: string | null; children: ReactNode }) {
  return error ? (
    <p id={`${id}-error`} className="field-error" role="alert">
      {error}
    </p>
  ) : (
    <p id={`${id}-hint`} className="hint">
      {children}
    </p>
  );
}
