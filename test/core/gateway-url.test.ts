import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_GATEWAY_URL_LENGTH, parseGatewayUrl } from "../../src/core/gateway-url.std.ts";
import { isLoopbackOrPrivateHost } from "../../src/core/private-host.std.ts";
import { urlLikeArb } from "./url-arbitraries.ts";

function ok(input: string) {
  const result = parseGatewayUrl(input);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(input)} to parse, got ${result.code}: ${result.message}`);
  return result;
}

function fails(input: unknown) {
  const result = parseGatewayUrl(input);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused, got ${result.url}`);
  return result;
}

describe("parseGatewayUrl: accepted addresses", () => {
  it.each([
    ["wss://gw.example.com", "wss://gw.example.com", "gw.example.com", false],
    ["  WSS://GW.Example.COM/  ", "wss://gw.example.com", "gw.example.com", false],
    ["wss://gw.example.com:443/", "wss://gw.example.com", "gw.example.com", false],
    ["wss://gw.example.com:8443/openclaw/", "wss://gw.example.com:8443/openclaw", "gw.example.com:8443", false],
    ["wss://gw.example.com/a/./b/../c//", "wss://gw.example.com/a/c", "gw.example.com", false],
    ["wss://münchen.example", "wss://xn--mnchen-3ya.example", "xn--mnchen-3ya.example", false],
    ["ws://127.0.0.1:18789", "ws://127.0.0.1:18789", "127.0.0.1:18789", true],
    ["ws://127.1.2.3:18789", "ws://127.1.2.3:18789", "127.1.2.3:18789", true],
    ["ws://localhost:18789/", "ws://localhost:18789", "localhost:18789", true],
    ["ws://[::1]:18789", "ws://[::1]:18789", "[::1]:18789", true],
    ["ws://10.1.2.3", "ws://10.1.2.3", "10.1.2.3", true],
    ["ws://172.16.0.5:1", "ws://172.16.0.5:1", "172.16.0.5:1", true],
    ["ws://172.31.255.255", "ws://172.31.255.255", "172.31.255.255", true],
    ["ws://192.168.1.10:18789", "ws://192.168.1.10:18789", "192.168.1.10:18789", true],
    ["ws://169.254.10.1", "ws://169.254.10.1", "169.254.10.1", true],
    ["ws://[fd00::1]", "ws://[fd00::1]", "[fd00::1]", true],
    ["ws://[fe80::1]", "ws://[fe80::1]", "[fe80::1]", true],
    ["ws://gateway.local:18789", "ws://gateway.local:18789", "gateway.local:18789", true],
    ["ws://[::ffff:192.168.0.1]", "ws://[::ffff:c0a8:1]", "[::ffff:c0a8:1]", true],
    ["ws://0x7f.1", "ws://127.0.0.1", "127.0.0.1", true],
  ])("%s", (input, url, host, insecure) => {
    const result = ok(input);
    expect(result).toEqual({ ok: true, url, host, insecure, httpBase: url.replace(/^ws/, "http") });
  });

  it("converts http(s):// that people copy from the browser to ws(s)://", () => {
    expect(ok("https://gw.example.com/").url).toBe("wss://gw.example.com");
    expect(ok("https://gw.example.com/").httpBase).toBe("https://gw.example.com");
    expect(ok("http://192.168.1.5:18789").url).toBe("ws://192.168.1.5:18789");
    expect(fails("http://gw.example.com").code).toBe("URL_INSECURE");
  });

  it("reads a bare host as ws:// on loopback and the LAN, and wss:// everywhere else", () => {
    expect(ok("localhost:18789").url).toBe("ws://localhost:18789");
    expect(ok("192.168.1.10:18789/gw").url).toBe("ws://192.168.1.10:18789/gw");
    expect(ok("[::1]:18789").url).toBe("ws://[::1]:18789");
    expect(ok("nas.local").url).toBe("ws://nas.local");
    expect(ok("gw.example.com").url).toBe("wss://gw.example.com");
    // An explicit port survives the switch to wss, even when it is ws's default.
    expect(ok("gw.example.com:80").url).toBe("wss://gw.example.com:80");
    expect(ok("8.8.8.8:18789").url).toBe("wss://8.8.8.8:18789");
  });
});

describe("parseGatewayUrl: refused addresses", () => {
  it.each([
    ["ws://gw.example.com", "wss://gw.example.com"],
    ["ws://8.8.8.8:18789", "wss://8.8.8.8:18789"],
    ["ws://172.32.0.1", "wss://172.32.0.1"],
    ["ws://172.15.255.255", "wss://172.15.255.255"],
    ["ws://192.169.0.1", "wss://192.169.0.1"],
    ["ws://[2001:db8::1]", "wss://[2001:db8::1]"],
    ["ws://[fec0::1]", "wss://[fec0::1]"],
    ["ws://[::ffff:8.8.8.8]", "wss://[::ffff:808:808]"],
    ["ws://0.0.0.0", "wss://0.0.0.0"],
    ["ws://localhost.example.com", "wss://localhost.example.com"],
    ["ws://local", "wss://local"],
    ["ws://evil.com/.local", "wss://evil.com/.local"],
  ])("plain ws:// to a public host %s → URL_INSECURE that suggests wss://", (input, suggestion) => {
    const result = fails(input);
    expect(result.code).toBe("URL_INSECURE");
    expect(result.message).toContain(suggestion);
    expect(result.message).toMatch(/^[A-Z].*\.$/);
  });

  it.each([
    [undefined, /Enter the gateway address/],
    [42, /Enter the gateway address/],
    ["", /Enter the gateway address/],
    ["   ", /Enter the gateway address/],
    ["ftp://gw.example.com", /starts with wss:\/\//],
    ["file:///etc/passwd", /starts with wss:\/\//],
    ["javascript:alert(1)", /not a gateway address/],
    ["ws:gw.example.com", /not a gateway address/],
    ["wss://", /no host name/],
    ["wss:///gw.example.com", /no host name/],
    ["wss://user:pass@gw.example.com", /user name and password/],
    ["wss://user@gw.example.com", /user name and password/],
    ["wss://@gw.example.com", /user name and password/],
    ["wss://gw.example.com/?token=x", /query or fragment/],
    ["wss://gw.example.com?", /query or fragment/],
    ["wss://gw.example.com#x", /query or fragment/],
    ["wss://gw.exa mple.com", /spaces/],
    ["wss://gw.example.com\t/", /spaces/],
    ["wss://gw.exa\nmple.com", /spaces/],
    ["wss://gw.example.com\\@evil.com", /backslashes/],
    ["wss://gw.example.com:99999", /not a valid address/],
    ["wss://gw.example.com:0", /Port 0/],
    ["wss://[::1", /not a valid address/],
    ["wss://exa%mple.com", /not a valid address/],
    ["wss://" + "a".repeat(MAX_GATEWAY_URL_LENGTH), /too long/],
  ])("%j → URL_INVALID", (input, message) => {
    const result = fails(input);
    expect(result.code).toBe("URL_INVALID");
    expect(result.message).toMatch(message);
    expect(result.message).toMatch(/^[A-Z].*\.$/);
  });

  it("accepts an address of exactly the maximum length and refuses one character more", () => {
    const host = "gw.example.com";
    const pathAt = (len: number) => `wss://${host}/${"p".repeat(len - `wss://${host}/`.length)}`;
    expect(ok(pathAt(MAX_GATEWAY_URL_LENGTH)).url).toHaveLength(MAX_GATEWAY_URL_LENGTH);
    expect(fails(pathAt(MAX_GATEWAY_URL_LENGTH + 1)).message).toMatch(/too long/);
    // Percent-encoding can grow a path past the limit: the normalized form is what counts.
    expect(fails(`wss://${host}/${"é".repeat(700)}`).message).toMatch(/too long/);
  });
});

describe("parseGatewayUrl: properties", () => {
  function checkAccepted(input: string) {
    const result = parseGatewayUrl(input);
    if (!result.ok) {
      expect(["URL_INVALID", "URL_INSECURE"]).toContain(result.code);
      expect(result.message.length).toBeGreaterThan(10);
      return;
    }
    const parsedUrl = new URL(result.url);
    expect(["ws:", "wss:"]).toContain(parsedUrl.protocol);
    expect(parsedUrl.username).toBe("");
    expect(parsedUrl.password).toBe("");
    expect(parsedUrl.search).toBe("");
    expect(parsedUrl.hash).toBe("");
    expect(result.url.slice(result.url.indexOf("//") + 2).split("/")[0]).not.toContain("@");
    expect(result.url.endsWith("/")).toBe(false);
    expect(result.url.length).toBeLessThanOrEqual(MAX_GATEWAY_URL_LENGTH);
    expect(result.host).toBe(parsedUrl.host);
    expect(result.insecure).toBe(parsedUrl.protocol === "ws:");
    if (result.insecure) expect(isLoopbackOrPrivateHost(parsedUrl.hostname)).toBe(true);
    expect(result.httpBase).toBe(result.url.replace(/^ws/, "http"));
    expect(parseGatewayUrl(result.url)).toEqual(result);
  }

  it("never throws on arbitrary strings and unicode", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }), fc.string()), (text) => {
        checkAccepted(text);
      }),
      { numRuns: 2000 },
    );
  });

  it("never throws on arbitrary values", () => {
    fc.assert(
      fc.property(
        fc.anything().filter((v) => typeof v !== "string"),
        (value) => {
          expect(parseGatewayUrl(value).ok).toBe(false);
        },
      ),
    );
  });

  it("whatever parses is ws/wss, without credentials, query or fragment, and parses to itself again", () => {
    let accepted = 0;
    fc.assert(
      fc.property(urlLikeArb, (text) => {
        checkAccepted(text);
        if (parseGatewayUrl(text).ok) accepted++;
      }),
      { numRuns: 3000 },
    );
    // The generator must reach the accepting branch often, or the property says little.
    expect(accepted).toBeGreaterThan(300);
  });

  it("addresses with credentials, queries or fragments are always refused", () => {
    fc.assert(
      fc.property(
        urlLikeArb,
        fc.constantFrom("user@", "u:p@", "@"),
        fc.constantFrom("?a=b", "#x", "?"),
        (address, cred, tail) => {
          const withCred = address.replace(/^((?:[a-z]+:\/\/)?)/i, `$1${cred}`);
          expect(parseGatewayUrl(withCred).ok).toBe(false);
          expect(parseGatewayUrl(address + tail).ok).toBe(false);
        },
      ),
    );
  });
});

describe("isLoopbackOrPrivateHost", () => {
  it.each([
    ["localhost", true],
    ["127.0.0.1", true],
    ["127.255.255.254", true],
    ["10.255.0.1", true],
    ["172.16.0.0", true],
    ["172.31.0.1", true],
    ["192.168.0.1", true],
    ["169.254.0.1", true],
    ["printer.local", true],
    ["[::1]", true],
    ["[fc00::]", true],
    ["[fdff:ffff::1]", true],
    ["[fe80::abcd]", true],
    ["[febf:ffff::1]", true],
    ["[::ffff:a00:1]", true],
    ["local", false],
    [".local", false],
    ["localhost.localdomain", false],
    ["128.0.0.1", false],
    ["172.15.0.1", false],
    ["172.32.0.1", false],
    ["192.167.1.1", false],
    ["169.253.0.1", false],
    ["11.0.0.1", false],
    ["[::]", false],
    ["[::2]", false],
    ["[fbff::1]", false],
    ["[fec0::1]", false],
    ["[2001:db8::1]", false],
    ["[::ffff:808:808]", false],
    ["[1:2:3:4:5:6:7:8:9]", false],
    ["[1::2::3]", false],
    ["256.0.0.1", false],
  ])("%s → %s", (host, expected) => {
    expect(isLoopbackOrPrivateHost(host)).toBe(expected);
  });
});
