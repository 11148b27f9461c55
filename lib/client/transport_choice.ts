/**
 * `--transport auto`: which wire path a run uses. The socket transport (socket_transport.ts)
 * costs about 40 % less client CPU per token event than `fetch` (fetch hands over one HTTP
 * chunk frame per read; see docs/transport.md for the profile), but it talks straight to the
 * target and cannot go through a proxy. So `auto` is `socket` unless a proxy environment
 * variable applies to the target URL, exactly as Deno's `fetch` would apply it
 * (ext/fetch/proxy.rs, checked against Deno 2.9.6): then `fetch`, which goes through the proxy.
 *
 * Deno's rules, mirrored here:
 * - `ALL_PROXY` (else `all_proxy`) applies to http and https; `HTTPS_PROXY` (else `https_proxy`)
 *   to https; `HTTP_PROXY` (else `http_proxy`) to http, and is ignored when `REQUEST_METHOD`
 *   is set (in CGI, a request's `Proxy:` header becomes HTTP_PROXY). A value that is not a
 *   usable proxy URL (empty, unknown scheme, no host) is skipped like an unset one.
 * - `NO_PROXY` (else `no_proxy`): comma-separated; `*` matches every host; an IP address or
 *   CIDR block matches IP hosts; any other entry is a domain matching itself and its
 *   subdomains (`example.com` and `.example.com` alike). Loopback is NOT exempt by default.
 */

/** What `--transport` may say. */
export type TransportChoice = "auto" | "fetch" | "socket";
/** What a run actually uses. */
export type WireTransport = "fetch" | "socket";

/** Environment variables, as `Deno.env.toObject()` gives them. */
export type Env = Record<string, string | undefined>;

/** The proxy setting that applies to a URL: the variable's name and its value. */
export interface ProxyMatch {
  variable: string;
  value: string;
}

/** The resolved transport, and for `auto` → fetch the proxy that forced it. */
export interface ResolvedTransport {
  transport: WireTransport;
  proxy?: ProxyMatch;
}

/** `choice` resolved for requests to `url` under `env`. */
export function resolveTransport(
  choice: TransportChoice,
  url: string,
  env: Env,
): ResolvedTransport {
  if (choice !== "auto") return { transport: choice };
  const proxy = proxyFor(url, env);
  return proxy ? { transport: "fetch", proxy } : { transport: "socket" };
}

/** The one line a run prints when `auto` chose fetch because of a proxy. */
export function proxyNotice(url: string, proxy: ProxyMatch): string {
  const host = new URL(url).hostname;
  return `transport: auto chose fetch because ${proxy.variable} applies to ${host} (the ` +
    `socket transport cannot use a proxy); NO_PROXY=${host} or --transport socket bypasses it`;
}

/** The environment of this process; empty without `--allow-env` (then no proxy is seen). */
export function processEnv(): Env {
  try {
    return Deno.env.toObject();
  } catch {
    return {};
  }
}

/** The proxy variable Deno's fetch would use for `url`, or undefined for a direct connection. */
export function proxyFor(url: string, env: Env): ProxyMatch | undefined {
  const u = new URL(url);
  const scheme = u.protocol === "https:" ? "https" : u.protocol === "http:" ? "http" : undefined;
  if (scheme === undefined) return undefined;
  const candidates: (ProxyMatch | undefined)[] = [
    firstUsable(env, "ALL_PROXY", "all_proxy"),
    scheme === "https" ? firstUsable(env, "HTTPS_PROXY", "https_proxy") : undefined,
    scheme === "http" && env.REQUEST_METHOD === undefined
      ? firstUsable(env, "HTTP_PROXY", "http_proxy")
      : undefined,
  ];
  const match = candidates.find((c) => c !== undefined);
  if (match === undefined) return undefined;
  const noProxy = env.NO_PROXY ?? env.no_proxy ?? "";
  return noProxyMatches(noProxy, u.hostname) ? undefined : match;
}

function firstUsable(env: Env, upper: string, lower: string): ProxyMatch | undefined {
  for (const variable of [upper, lower]) {
    const value = env[variable];
    if (value !== undefined && usableProxy(value)) return { variable, value };
  }
  return undefined;
}

/** A proxy URL Deno can use: http, https, socks5(h), or no scheme (http); with a host. */
function usableProxy(value: string): boolean {
  const v = value.trim();
  if (v === "") return false;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `http://${v}`;
  try {
    const u = new URL(withScheme);
    return ["http:", "https:", "socks5:", "socks5h:"].includes(u.protocol) && u.host !== "";
  } catch {
    return false;
  }
}

/** Whether a NO_PROXY list exempts `hostname` (as `URL.hostname` gives it). */
export function noProxyMatches(list: string, hostname: string): boolean {
  if (list.trim() === "") return false;
  const host = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  const ip = parseIp(host);
  for (const raw of list.split(",")) {
    const entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return true;
    const net = parseCidr(entry);
    if (net !== undefined) {
      if (ip !== undefined && ipInNet(ip, net)) return true;
      continue;
    }
    if (ip !== undefined) continue;
    const d = entry.startsWith(".") ? entry.slice(1) : entry;
    if (host === d || host.endsWith(`.${d}`)) return true;
  }
  return false;
}

/** An IP address as bytes (4 or 16), or undefined when `s` is not one. */
function parseIp(s: string): Uint8Array | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4) {
    const bytes = v4.slice(1).map(Number);
    return bytes.every((b) => b <= 255) ? new Uint8Array(bytes) : undefined;
  }
  if (!s.includes(":")) return undefined;
  let normal: string;
  try {
    // The URL parser validates and compresses IPv6 (and turns embedded IPv4 into hex groups).
    normal = new URL(`http://[${s}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  const [head, tail] = normal.split("::");
  const groups = (part: string | undefined) => part ? part.split(":") : [];
  const h = groups(head), t = groups(tail);
  const all = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    const n = parseInt(g, 16);
    out[2 * i] = n >> 8;
    out[2 * i + 1] = n & 255;
  });
  return out;
}

/** `a.b.c.d/n`, an IPv6 block, or a bare address (a /32 or /128). */
function parseCidr(s: string): { ip: Uint8Array; bits: number } | undefined {
  const slash = s.indexOf("/");
  const ip = parseIp(slash < 0 ? s : s.slice(0, slash));
  if (ip === undefined) return undefined;
  const max = ip.length * 8;
  if (slash < 0) return { ip, bits: max };
  const bits = Number(s.slice(slash + 1));
  return Number.isInteger(bits) && bits >= 0 && bits <= max ? { ip, bits } : undefined;
}

function ipInNet(ip: Uint8Array, net: { ip: Uint8Array; bits: number }): boolean {
  if (ip.length !== net.ip.length) return false;
  for (let bit = 0; bit < net.bits; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((ip[bit >> 3] & mask) !== (net.ip[bit >> 3] & mask)) return false;
  }
  return true;
}
