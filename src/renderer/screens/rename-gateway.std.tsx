// A gateway's name on this computer only (the list shows it, `ocmap --gateway` accepts it).
import { useState, type FormEvent } from "react";
import type { RenameResult } from "../../ipc/ipc-contract.std.ts";

export function RenameGateway({ name, onRename }: { name: string; onRename(name: string): Promise<RenameResult> }) {
  const [value, setValue] = useState(name);
  const [said, setSaid] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void onRename(value).then(
      (result) => setSaid(result.ok ? { ok: true, text: "Renamed." } : { ok: false, text: result.message }),
      () => setSaid({ ok: false, text: "OCMAP could not rename this gateway. Try again." }),
    );
  };
  return (
    <form className="rename" onSubmit={submit} aria-label="Rename this gateway">
      <label>
        Name on this computer
        <input value={value} maxLength={64} onChange={(event) => setValue(event.target.value)} />
      </label>
      <button type="submit" className="secondary">
        Rename
      </button>
      {said && (
        <p role={said.ok ? "status" : "alert"} className={said.ok ? "notice" : "field-error"}>
          {said.text}
        </p>
      )}
    </form>
  );
}
