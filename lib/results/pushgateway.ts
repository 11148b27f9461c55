/**
 * The optional push of a run's Prometheus text to a Pushgateway (`--pushgateway URL`). The
 * grouping key is `job=llmload` plus the run's scenario, target and model, so each series has
 * its own group and a PUT replaces only its own last values. Values go base64url-encoded
 * (`label@base64/value`), as the Pushgateway requires for values with slashes (target URLs).
 */

import { encodeBase64Url } from "../fs/base64url.ts";

/** The push URL: `<base>/metrics/job/llmload/scenario@base64/…/target@base64/…/model@base64/…`. */
export function pushgatewayUrl(base: string, labels: Record<string, string>): string {
  // An empty value is written "=" (the Pushgateway's spelling of an empty base64 value).
  const parts = Object.entries(labels).map(([k, v]) =>
    `${k}@base64/${v === "" ? "=" : encodeBase64Url(v)}`
  );
  return `${base.replace(/\/+$/, "")}/metrics/job/llmload/${parts.join("/")}`;
}

/**
 * PUTs `text` to the Pushgateway; resolves with a problem to log, or null when it was taken.
 * Never throws: a monitoring push that fails must not fail a finished run. Bounded by
 * `timeoutMs` (default 10 s).
 */
export async function pushToGateway(
  url: string,
  text: string,
  options: { timeoutMs?: number } = {},
): Promise<string | null> {
  try {
    const res = await fetch(url, {
      method: "PUT",
      headers: { "content-type": "text/plain; version=0.0.4" },
      body: text,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const body = await res.text();
    if (res.ok) return null;
    return `PUT ${url} answered ${res.status}${body ? `: ${body.trim().slice(0, 200)}` : ""}`;
  } catch (e) {
    return `PUT ${url} failed: ${(e as Error).message}`;
  }
}
