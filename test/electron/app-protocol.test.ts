// The app://ocmap/ handler in plain Node (it takes a Request and returns a Response, as Electron's
// protocol.handle does): only files under the renderer folder, the right MIME types, the CSP header.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppProtocolHandler, requestedSegments } from "../../src/main/app-protocol.node.ts";
import { APP_INDEX_URL } from "../../src/main/app-origin.std.ts";
import { CONTENT_SECURITY_POLICY } from "../../src/main/content-security-policy.std.ts";

const SECRET = "SECRET-FILE-CONTENT-5f1c";
let base: string;
let serve: (request: Request) => Promise<Response>;

/** Electron hands the handler a Request whose url is Chromium's; these are raw, never re-parsed by Node. */
const raw = (url: string, method = "GET") => ({ url, method }) as Request;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "ocmap-app-protocol-"));
  const root = join(base, "renderer");
  mkdirSync(join(root, "assets"), { recursive: true });
  writeFileSync(join(root, "index.html"), "<!doctype html><title>OCMAP</title>");
  writeFileSync(join(root, "assets/index-abc.js"), "export {};");
  writeFileSync(join(root, "assets/index-abc.css"), "body{}");
  writeFileSync(join(root, "assets/icon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  writeFileSync(join(root, "assets/icon.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  writeFileSync(join(root, "assets/notes.txt"), "not a renderer file type");
  writeFileSync(join(root, "assets/tool.exe"), "MZ");
  // Outside the folder: a sibling whose name starts like it, and a plain secret.
  mkdirSync(join(base, "renderer-evil"));
  writeFileSync(join(base, "renderer-evil/index.html"), SECRET);
  writeFileSync(join(base, "secret.js"), SECRET);
  symlinkSync(join(base, "secret.js"), join(root, "assets/link-out.js"));
  symlinkSync(join(base, "renderer-evil"), join(root, "assets/dir-out"));
  symlinkSync(join(root, "assets/index-abc.js"), join(root, "assets/link-in.js"));
  serve = createAppProtocolHandler(root);
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("app:// protocol handler (plain Node)", () => {
  it.each([
    ["app://ocmap/", "text/html; charset=utf-8"],
    [APP_INDEX_URL, "text/html; charset=utf-8"],
    [`${APP_INDEX_URL}#settings`, "text/html; charset=utf-8"],
    [`${APP_INDEX_URL}?x=1`, "text/html; charset=utf-8"],
    ["app://ocmap/assets/index-abc.js", "text/javascript; charset=utf-8"],
    ["app://ocmap/assets/index-abc.css", "text/css; charset=utf-8"],
    ["app://ocmap/assets/icon.svg", "image/svg+xml"],
    ["app://ocmap/assets/icon.png", "image/png"],
    ["app://ocmap/assets/link-in.js", "text/javascript; charset=utf-8"],
  ])("serves %s as %s, with the CSP and nosniff headers", async (url, type) => {
    const res = await serve(new Request(url));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(type);
    expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it("answers HEAD without a body and any other method with 405", async () => {
    const head = await serve(new Request(APP_INDEX_URL, { method: "HEAD" }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    for (const method of ["POST", "PUT", "DELETE", "OPTIONS"]) {
      const res = await serve(raw(APP_INDEX_URL, method));
      expect(res.status, method).toBe(405);
      expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it.each([
    ["a raw ..", "app://ocmap/../secret.js"],
    ["a nested ..", "app://ocmap/assets/../../secret.js"],
    ["an encoded ..", "app://ocmap/%2e%2e/secret.js"],
    ["an upper-case encoded ..", "app://ocmap/%2E%2E/secret.js"],
    ["a half-encoded ..", "app://ocmap/.%2e/secret.js"],
    ["an encoded slash", "app://ocmap/assets%2f..%2f..%2fsecret.js"],
    ["an encoded ../ in one segment", "app://ocmap/..%2fsecret.js"],
    ["a backslash", "app://ocmap/assets\\..\\..\\secret.js"],
    ["an encoded backslash", "app://ocmap/..%5csecret.js"],
    ["a double-encoded ..", "app://ocmap/%252e%252e/secret.js"],
    ["a sibling folder with the same prefix", "app://ocmap/../renderer-evil/index.html"],
    ["an absolute path", `app://ocmap/${encodeURIComponent(join(tmpdir(), "secret.js"))}`],
    ["an empty segment", "app://ocmap//etc/passwd"],
    ["an encoded absolute path", "app://ocmap/%2fetc%2fpasswd"],
    ["a drive letter", "app://ocmap/C:/Windows/win.ini"],
    ["a NUL", "app://ocmap/index.html%00.js"],
    ["a raw NUL", "app://ocmap/index.html\u0000.js"],
    ["a control character", "app://ocmap/index%0a.html"],
    ["a malformed escape", "app://ocmap/%E0%A4%A.js"],
    ["a single dot", "app://ocmap/./index.html"],
    ["a symlink to a file outside", "app://ocmap/assets/link-out.js"],
    ["a symlink to a folder outside", "app://ocmap/assets/dir-out/index.html"],
    ["a folder", "app://ocmap/assets"],
    ["a missing file", "app://ocmap/assets/missing.js"],
    ["a file type the renderer has no use for", "app://ocmap/assets/notes.txt"],
    ["an executable", "app://ocmap/assets/tool.exe"],
    ["another host", "app://evil/index.html"],
    ["a host that starts like ours", "app://ocmap.evil/index.html"],
    ["user info", "app://ocmap@evil/index.html"],
    ["user info before our host", "app://evil@ocmap/index.html"],
    ["a port", "app://ocmap:443/index.html"],
    ["an upper-case host", "app://OCMAP/index.html"],
    ["no path", "app://ocmap"],
    ["another scheme", "file:///etc/passwd"],
  ])("refuses %s with 404, the CSP header and no file content", async (_name, url) => {
    const res = await serve(raw(url));
    expect(res.status).toBe(404);
    expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(await res.text()).not.toContain(SECRET);
  });

  it("decodes each path segment once and refuses anything that could step out", () => {
    expect(requestedSegments("/")).toEqual(["index.html"]);
    expect(requestedSegments("/assets/a%20b.js")).toEqual(["assets", "a b.js"]);
    expect(requestedSegments("/assets/%252e%252e")).toEqual(["assets", "%2e%2e"]); // a harmless literal name
    for (const bad of ["/..", "/a/../b", "/%2e%2e", "/.", "//x", "/a/", "/a%2fb", "/a%5cb", "/a%00", "x", "/c:"])
      expect(requestedSegments(bad), bad).toBeNull();
  });
});
