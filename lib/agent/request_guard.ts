/**
 * What a browser must not make the agent do. A web page the user visits can send requests to
 * 127.0.0.1 (cross-origin "simple" requests need no preflight) or, by DNS rebinding, make its
 * own name resolve to 127.0.0.1 and read the answers. So, before any route:
 * - on a loopback address, the `Host` header must name this loopback listener (a rebound name
 *   does not); with a token (required off loopback), the token already stops a rebound page;
 * - a request with an `Origin` header (every browser write, and reads by script) must come from
 *   the agent's own origin;
 * - a body must be `application/json`, which no cross-origin page can send without a preflight
 *   that the agent never answers. Pure.
 */

/** Where the agent listens. */
export interface ListenAddress {
  hostname: string;
  port: number;
}

const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]", "::1"];

function isLoopback(hostname: string): boolean {
  return LOOPBACK_NAMES.includes(hostname) || hostname.startsWith("127.");
}

/** The `host:port` values a request to this listener may carry in `Host`. */
function allowedHosts(addr: ListenAddress): string[] {
  const names = isLoopback(addr.hostname)
    ? [...new Set([addr.hostname, ...LOOPBACK_NAMES.filter((n) => n !== "::1")])]
    : [addr.hostname];
  return names.map((n) => `${n.includes(":") && !n.startsWith("[") ? `[${n}]` : n}:${addr.port}`);
}

/** Why the request is refused (status and message), or undefined when it may go on. */
export function refuseRequest(
  req: { method: string; headers: Headers },
  addr: ListenAddress,
): { status: number; error: string } | undefined {
  const loopback = isLoopback(addr.hostname);
  const host = (req.headers.get("host") ?? "").toLowerCase();
  const hosts = allowedHosts(addr);
  if (loopback && !hosts.includes(host)) {
    return {
      status: 403,
      error: `Host "${host}" is not this agent (${hosts[0]}): refused (DNS rebinding protection)`,
    };
  }
  const origin = req.headers.get("origin");
  if (origin !== null) {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host.toLowerCase();
    } catch { /* "null" or garbage: refused below */ }
    const ownHost = loopback ? hosts : [host];
    if (!originHost || !ownHost.includes(originHost)) {
      return { status: 403, error: `Origin "${origin}" is not this agent: refused` };
    }
  }
  const hasBody =
    req.headers.get("content-length") !== null && req.headers.get("content-length") !== "0" ||
    req.headers.get("transfer-encoding") !== null;
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (req.method !== "GET" && hasBody && type !== "application/json") {
    return {
      status: 415,
      error: `a request body must be application/json (got "${type || "none"}"); ` +
        `send -H 'content-type: application/json'`,
    };
  }
  return undefined;
}
