// Wires the app://ocmap/ origin into Electron. The logic is in app-protocol.node.ts.
import { protocol, type Session } from "electron";
import { APP_SCHEME } from "./app-origin.std.ts";
import { createAppProtocolHandler, type AppProtocolOptions } from "./app-protocol.node.ts";

/** Before `ready`: a standard scheme (relative URLs, an origin of its own), secure (a secure context). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, codeCache: true } },
  ]);
}

/** After `ready`: serve the built renderer folder on the session the window uses. */
export function serveAppScheme(ses: Session, rendererDir: string, options: AppProtocolOptions): void {
  ses.protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir, options));
}
