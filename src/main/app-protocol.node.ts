// The renderer's own origin, app://ocmap/: what Electron's protocol.handle("app", …) answers, as a
// plain Request → Response function with no Electron in it (app-protocol.main.ts wires it up).
// It serves only regular files under the built renderer folder, with the CSP on every response, and
// index.html with the first screen already in it (first-screen.std.ts), so the window paints a real
// screen before its scripts have run.
import { realpath, readFile, stat } from "node:fs/promises";
import { extname, isAbsolute, join, relative, resolve } from "node:path";
import { CONTENT_SECURITY_POLICY } from "./content-security-policy.std.ts";
import { APP_ORIGIN } from "./app-origin.std.ts";

/** The only file types the renderer is made of; anything else is not served. */
export const APP_MIME_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

const BASE_HEADERS = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
};

function refuse(status: 400 | 404 | 405): Response {
  const text = { 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed" }[status];
  return new Response(text, {
    status,
    headers: {
      ...BASE_HEADERS,
      "content-type": "text/plain; charset=utf-8",
      ...(status === 405 && { allow: "GET, HEAD" }),
    },
  });
}

/**
 * The path segments a request names, each decoded, or null when any could step out of the folder
 * or name something odd: "..", ".", empty segments, slashes or backslashes (raw or %-encoded),
 * NUL and other control characters, a drive letter or stream (":"), or a malformed escape.
 */
export function requestedSegments(pathname: string): string[] | null {
  if (pathname === "/" || pathname === "") return ["index.html"];
  if (!pathname.startsWith("/")) return null;
  const segments: string[] = [];
  for (const raw of pathname.slice(1).split("/")) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === "" || segment === "." || segment === ".." || /[/\\:\u0000-\u001f\u007f]/u.test(segment))
      return null;
    segments.push(segment);
  }
  return segments;
}

const inside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
};

const EMPTY_ROOT = '<div id="root"></div>';

/** The page with `markup` inside its empty root element; unchanged when it has none. */
export function insertFirstScreen(html: string, markup: string): string {
  const at = html.indexOf(EMPTY_ROOT);
  if (at < 0) return html;
  const open = EMPTY_ROOT.length - "</div>".length;
  return html.slice(0, at + open) + markup + html.slice(at + open);
}

export interface AppProtocolOptions {
  /** The markup of the first screen, rendered from the current state; index.html is served without it if it fails. */
  firstScreen?: () => Promise<string> | string;
}

/** Answers requests for app://ocmap/… from the files under `rootDir` (dist/renderer). */
export function createAppProtocolHandler(
  rootDir: string,
  options: AppProtocolOptions = {},
): (request: Request) => Promise<Response> {
  const root = resolve(rootDir);
  let realRoot: Promise<string> | null = null; // the folder does not move while the app runs
  const withFirstScreen = async (page: string): Promise<string> => {
    try {
      return insertFirstScreen(page, await options.firstScreen!());
    } catch {
      return page; // the renderer draws the screen itself, as without a pre-render
    }
  };
  return async (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") return refuse(405);
    // Exactly our origin, as Chromium spells it: no user info, no port, no other host or case.
    if (!request.url.startsWith(`${APP_ORIGIN}/`)) return refuse(404);
    // The raw path as it came: Chromium has folded "..", but the handler does not rely on that.
    const rawPath = request.url.slice(APP_ORIGIN.length).replace(/[?#].*$/su, "");
    const segments = requestedSegments(rawPath);
    const type = segments && APP_MIME_TYPES[extname(segments.at(-1)!).toLowerCase()];
    if (!segments || !type) return refuse(404);
    const file = join(root, ...segments);
    if (!inside(root, file)) return refuse(404);
    try {
      const real = await realpath(file); // a symlink must not lead out of the folder
      realRoot ??= realpath(root).catch((error: unknown) => {
        realRoot = null;
        throw error;
      });
      if (!inside(await realRoot, real) || !(await stat(real)).isFile()) return refuse(404);
      const isIndex = segments.length === 1 && segments[0] === "index.html";
      const body =
        request.method === "HEAD"
          ? null
          : isIndex && options.firstScreen
            ? await withFirstScreen(await readFile(real, "utf8"))
            : await readFile(real);
      return new Response(body, { status: 200, headers: { ...BASE_HEADERS, "content-type": type } });
    } catch {
      return refuse(404);
    }
  };
}
