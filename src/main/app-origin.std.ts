// The renderer's own origin. Electron registers `app` as a standard, secure scheme, so Chromium
// canonicalises these URLs like https ones (lower-case host, dot segments resolved).
export const APP_SCHEME = "app";
export const APP_HOST = "ocmap";
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;
