// The renderer's CSP, sent as a response header on every response (the app:// handler, and the session for
// anything else). index.html has no <meta> copy: the page is only ever served with the header, and a CSP
// <meta> holds Chromium's preload scanner back until the parser reaches it (the bundle was fetched ~20 ms later).
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'none'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");
