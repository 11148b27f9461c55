import type { ServerMetricsSample } from "../metrics/telemetry_samples.ts";
import { readPromText } from "./prom_text.ts";
import { hasVllmSeries, serverSampleFromPage } from "./server_metrics_page.ts";

/**
 * Scrapes the server's Prometheus `/metrics` during a run, on the run's clock: tick k is due at
 * `origin + k × interval`. A side channel that never blocks the request path: nothing awaits it
 * but `stop()`, and only one scrape is in flight at a time, so a slow server costs scrapes, not
 * requests. A scrape that outlasts its tick makes the loop skip the ticks that passed (counted)
 * and wait for the next one, rather than firing a burst to catch up.
 */

/** Default gap between scrapes, ms. */
export const METRICS_INTERVAL_MS = 1000;

/** A scrape that takes longer than this is abandoned (and counted as failed), ms. */
const SCRAPE_TIMEOUT_MS = 10_000;
/** The closing scrape is given less: the run is over and waits for it. */
const FINAL_SCRAPE_TIMEOUT_MS = 2_000;

/** How a scraper's run went, for meta.json. */
export interface ScrapeStats {
  /** Scrapes that produced a sample. */
  samples: number;
  /** Scrapes that failed (network, HTTP status, not Prometheus text, timeout). */
  failed: number;
  /** Ticks skipped because the scrape before them was still running. */
  skippedTicks: number;
  /** Page lines that broke the exposition format, over all scrapes (skipped). */
  malformedLines: number;
}

/** A running scraper. */
export interface MetricsScraper {
  /**
   * Stops scraping and says how it went. A scrape in flight is aborted (the server is slow: it
   * is not asked again); otherwise one last scrape (within 2 s) reads the counters as the run
   * left them, so their deltas cover it all.
   */
  stop(): Promise<ScrapeStats>;
}

/** Histogram buckets are most of a vLLM page and none is kept: not even parsed. */
const notBucket = (name: string) => !name.endsWith("_bucket");

/** `/metrics` sits at the server root, beside `/v1`. */
export function metricsUrl(baseUrl: string): string {
  return `${serverRoot(baseUrl)}/metrics`;
}

/** The server root of an API base: `http://h:8000/v1` → `http://h:8000`. */
export function serverRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "").replace(/\/v1$/, "");
}

/**
 * The next tick to scrape after tick `last` when its scrape ended `elapsedMs` after the origin:
 * the first tick still in the future, and how many due ticks were skipped on the way. Pure.
 */
export function nextTick(
  elapsedMs: number,
  options: { intervalMs: number; last: number },
): { tick: number; skipped: number } {
  const tick = Math.max(options.last + 1, Math.floor(elapsedMs / options.intervalMs) + 1);
  return { tick, skipped: tick - options.last - 1 };
}

/**
 * Starts scraping `baseUrl`'s `/metrics` (the root, without `/v1`) every `intervalMs` (default
 * 1 s), from `origin` (a `performance.now()` value: the run's time origin). Each good page
 * becomes a sample handed to `onSample` at once (so it can be appended to a file as it comes).
 */
export function startMetricsScraper(
  baseUrl: string,
  options: {
    origin: number;
    onSample: (sample: ServerMetricsSample) => void;
    intervalMs?: number;
    apiKey?: string;
  },
): MetricsScraper {
  const url = metricsUrl(baseUrl);
  const interval = options.intervalMs ?? METRICS_INTERVAL_MS;
  const headers: Record<string, string> = { accept: "text/plain" };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const stats: ScrapeStats = { samples: 0, failed: 0, skippedTicks: 0, malformedLines: 0 };
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let stopped = false;
  let inFlight = false;

  const scrapeOnce = async (signal: AbortSignal) => {
    inFlight = true;
    try {
      const res = await fetch(url, { headers, signal });
      const text = await res.text();
      const page = readPromText(text, { keep: notBucket });
      if (!res.ok || !hasVllmSeries(page)) throw new Error("no vLLM series");
      stats.malformedLines += page.malformedLines;
      stats.samples++;
      options.onSample(serverSampleFromPage(page, performance.now() - options.origin));
    } catch {
      // A failed scrape is a gap in the series, never a failed run; one stopped by stop() is
      // not a failure.
      if (!(signal.aborted && signal.reason === abort.signal.reason)) stats.failed++;
    } finally {
      inFlight = false;
    }
  };
  const loop = (async () => {
    let tick = 0;
    while (!stopped) {
      await scrapeOnce(AbortSignal.any([abort.signal, AbortSignal.timeout(SCRAPE_TIMEOUT_MS)]));
      if (stopped) return;
      const next = nextTick(performance.now() - options.origin, {
        intervalMs: interval,
        last: tick,
      });
      stats.skippedTicks += next.skipped;
      tick = next.tick;
      const waitMs = options.origin + tick * interval - performance.now();
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, Math.max(0, waitMs));
      });
    }
  })();

  return {
    async stop() {
      stopped = true;
      const slow = inFlight;
      clearTimeout(timer);
      wake?.(); // the loop may be between scrapes: let it see `stopped` now
      abort.abort();
      await loop;
      if (!slow) await scrapeOnce(AbortSignal.timeout(FINAL_SCRAPE_TIMEOUT_MS));
      return { ...stats };
    },
  };
}
