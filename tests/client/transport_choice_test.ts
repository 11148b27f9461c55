import assert from "node:assert/strict";
import {
  noProxyMatches,
  proxyFor,
  proxyNotice,
  resolveTransport,
} from "../../lib/client/transport_choice.ts";

const HTTP = "http://127.0.0.1:8000/v1";
const HTTPS = "https://llm.example.com/v1";
const PROXY = "http://127.0.0.1:3128";

Deno.test("auto is socket without proxy variables, for http and https", () => {
  assert.deepEqual(resolveTransport("auto", HTTP, {}), { transport: "socket" });
  assert.deepEqual(resolveTransport("auto", HTTPS, { PATH: "/usr/bin" }), { transport: "socket" });
});

Deno.test("an explicit transport is kept whatever the environment says", () => {
  assert.deepEqual(resolveTransport("socket", HTTPS, { HTTPS_PROXY: PROXY }), {
    transport: "socket",
  });
  assert.deepEqual(resolveTransport("fetch", HTTP, {}), { transport: "fetch" });
});

Deno.test("auto is fetch when HTTPS_PROXY applies to an https target, socket for http", () => {
  const env = { HTTPS_PROXY: PROXY };
  assert.deepEqual(resolveTransport("auto", HTTPS, env), {
    transport: "fetch",
    proxy: { variable: "HTTPS_PROXY", value: PROXY },
  });
  // Deno's fetch uses HTTPS_PROXY for https URLs only (checked against Deno 2.9.6).
  assert.equal(resolveTransport("auto", HTTP, env).transport, "socket");
});

Deno.test("HTTP_PROXY / http_proxy apply to http only; ALL_PROXY / all_proxy to both", () => {
  for (const variable of ["HTTP_PROXY", "http_proxy"]) {
    assert.equal(proxyFor(HTTP, { [variable]: PROXY })?.variable, variable);
    assert.equal(proxyFor(HTTPS, { [variable]: PROXY }), undefined);
  }
  for (const variable of ["ALL_PROXY", "all_proxy"]) {
    assert.equal(proxyFor(HTTP, { [variable]: PROXY })?.variable, variable);
    assert.equal(proxyFor(HTTPS, { [variable]: "socks5://10.0.0.1:1080" })?.variable, variable);
  }
  assert.equal(proxyFor(HTTPS, { https_proxy: PROXY })?.variable, "https_proxy");
  // Upper case first, as Deno reads them; a CGI request's HTTP_PROXY is never trusted.
  assert.equal(proxyFor(HTTP, { HTTP_PROXY: PROXY, http_proxy: PROXY })?.variable, "HTTP_PROXY");
  assert.equal(proxyFor(HTTP, { HTTP_PROXY: PROXY, REQUEST_METHOD: "GET" }), undefined);
});

Deno.test("an empty or unusable proxy value is ignored like an unset one", () => {
  assert.equal(proxyFor(HTTP, { HTTP_PROXY: "" }), undefined);
  assert.equal(proxyFor(HTTP, { HTTP_PROXY: "  " }), undefined);
  assert.equal(proxyFor(HTTP, { HTTP_PROXY: "ftp://proxy:21" }), undefined);
  assert.equal(proxyFor(HTTP, { HTTP_PROXY: "", http_proxy: PROXY })?.variable, "http_proxy");
  // No scheme means http, as in Deno.
  assert.equal(proxyFor(HTTP, { HTTP_PROXY: "proxy.internal:3128" })?.variable, "HTTP_PROXY");
});

Deno.test("NO_PROXY exempts hosts by name, subdomain, IP, CIDR and *", () => {
  const env = (no: string) => ({ HTTPS_PROXY: PROXY, HTTP_PROXY: PROXY, NO_PROXY: no });
  assert.equal(resolveTransport("auto", HTTP, env("127.0.0.1")).transport, "socket");
  assert.equal(resolveTransport("auto", HTTP, env("10.0.0.0/8, 127.0.0.0/8")).transport, "socket");
  assert.equal(resolveTransport("auto", HTTP, env("10.0.0.0/8")).transport, "fetch");
  assert.equal(resolveTransport("auto", HTTPS, env("example.com")).transport, "socket");
  assert.equal(resolveTransport("auto", HTTPS, env(".example.com")).transport, "socket");
  assert.equal(resolveTransport("auto", HTTPS, env("other.com,*")).transport, "socket");
  assert.equal(resolveTransport("auto", HTTPS, env("ample.com")).transport, "fetch");
  assert.equal(resolveTransport("auto", HTTPS, env("")).transport, "fetch");
  // Lower case no_proxy is read when NO_PROXY is unset.
  assert.equal(
    resolveTransport("auto", HTTP, { HTTP_PROXY: PROXY, no_proxy: "127.0.0.1" }).transport,
    "socket",
  );
  // Loopback is not exempt by default: Deno's fetch sends it to the proxy too.
  assert.equal(resolveTransport("auto", HTTP, { HTTP_PROXY: PROXY }).transport, "fetch");
});

Deno.test("NO_PROXY matching: IPv6, case, domains versus IPs", () => {
  assert.ok(noProxyMatches("::1", "[::1]"));
  assert.ok(noProxyMatches("fd00::/8", "[fd12:3456::1]"));
  assert.ok(!noProxyMatches("fd00::/8", "[fe80::1]"));
  assert.ok(noProxyMatches("LLM.Example.COM", "llm.example.com"));
  assert.ok(noProxyMatches("example.com", "a.b.example.com"));
  assert.ok(!noProxyMatches("example.com", "badexample.com"));
  // A domain entry never matches an IP host, nor an IP entry a name.
  assert.ok(!noProxyMatches("localhost", "127.0.0.1"));
  assert.ok(!noProxyMatches("127.0.0.1", "localhost"));
  assert.ok(noProxyMatches("localhost", "localhost"));
});

Deno.test("the proxy notice names the variable, the host and both ways around it", () => {
  const line = proxyNotice(HTTP, { variable: "HTTP_PROXY", value: PROXY });
  assert.match(line, /auto chose fetch because HTTP_PROXY applies to 127\.0\.0\.1/);
  assert.match(line, /NO_PROXY=127\.0\.0\.1 or --transport socket/);
  assert.ok(!line.includes("\n"));
});
