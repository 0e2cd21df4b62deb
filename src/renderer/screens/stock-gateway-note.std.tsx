// What pairing with a gateway's own setup code (no ocmap-pairing on it) gives up: said before pairing, while
// waiting for approval, and in Settings afterwards.
import { STOCK_GATEWAY_CAVEATS } from "../../core/setup-code.std.ts";

export function StockGatewayNote({ host, id }: { host: string; id?: string }) {
  return (
    <div className="warning stock-note" role="note" id={id}>
      <p>
        <strong>Setup code for {host}.</strong> This gateway&rsquo;s own pairing (it does not run ocmap-pairing) is
        weaker than an OCMAP code:
      </p>
      <ul>
        {STOCK_GATEWAY_CAVEATS.map((caveat) => (
          <li key={caveat}>{caveat}</li>
        ))}
      </ul>
    </div>
  );
}
