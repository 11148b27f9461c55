import { formatDurationMs } from "../config/duration.ts";
import { TargetError } from "./resolve_target.ts";
import { redactText, redactUrl } from "../config/redact.ts";

/** Options of {@link waitReady}. */
export interface WaitReadyOptions {
  /** Give up after this long, ms (`--wait-ready`). */
  limitMs: number;
  apiKey?: string;
  /** Stops waiting (SIGINT/SIGTERM/--max-runtime): throws the last error at once. */
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/** First pause between polls, ms; doubles up to {@link MAX_PAUSE_MS}. */
const FIRST_PAUSE_MS = 250;
const MAX_PAUSE_MS = 5_000;
/** One poll never waits longer than this for an answer, ms. */
const POLL_TIMEOUT_MS = 5_000;

/**
 * Polls the server until it answers: `GET /health` (vLLM's readiness route, at the server root)
 * and then `GET <base>/models`; the first 2xx from either means ready. Backs off from 250 ms to
 * 5 s between rounds. Throws TargetError (exit code 4) with the last error once `limitMs` has
 * passed, so a nightly job never hangs on a server that never came up. Returns the ms waited.
 */
export async function waitReady(baseUrl: string, options: WaitReadyOptions): Promise<number> {
  const base = baseUrl.replace(/\/+$/, "");
  const urls = [`${base.replace(/\/v1$/, "")}/health`, `${base}/models`];
  const headers: Record<string, string> = {};
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const start = performance.now();
  const left = () => options.limitMs - (performance.now() - start);
  let lastError = "no attempt made";
  let pause = FIRST_PAUSE_MS;
  let announced = false;
  for (;;) {
    for (const url of urls) {
      if (options.signal?.aborted) break;
      const problem = await poll(url, {
        headers,
        timeoutMs: Math.max(1, Math.min(POLL_TIMEOUT_MS, left())),
        signal: options.signal,
      });
      if (problem === undefined) {
        const waited = performance.now() - start;
        if (announced) {
          options.log?.(`target ready after ${formatDurationMs(waited)} (${redactUrl(url)})`);
        }
        return waited;
      }
      lastError = `GET ${url}: ${problem}`;
    }
    if (options.signal?.aborted) {
      throw new TargetError(
        `stopped while waiting for the target (--wait-ready); last error: ${lastError}`,
      );
    }
    if (left() <= 0) {
      throw new TargetError(
        `Target not ready after ${
          formatDurationMs(options.limitMs)
        } (--wait-ready); last error: ${lastError}`,
      );
    }
    if (!announced) {
      announced = true;
      options.log?.(
        redactText(
          `waiting up to ${formatDurationMs(options.limitMs)} for ${base} to answer (${lastError})`,
        ),
      );
    }
    await sleep(Math.min(pause, Math.max(0, left())), options.signal);
    pause = Math.min(pause * 2, MAX_PAUSE_MS);
  }
}

/** One GET; undefined when it answered 2xx, else why not. */
async function poll(
  url: string,
  opts: { headers: Record<string, string>; timeoutMs: number; signal?: AbortSignal },
): Promise<string | undefined> {
  const signals = [AbortSignal.timeout(opts.timeoutMs)];
  if (opts.signal) signals.push(opts.signal);
  try {
    const res = await fetch(url, { headers: opts.headers, signal: AbortSignal.any(signals) });
    const text = await res.text();
    return res.ok ? undefined : `answered ${res.status} ${text.slice(0, 120).trim()}`.trim();
  } catch (e) {
    return (e as Error).name === "TimeoutError" ? "no answer in time" : (e as Error).message;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(id);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const id = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
