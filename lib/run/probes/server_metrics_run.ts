import { join } from "node:path";
import type { ServerMetricsSample } from "../../metrics/telemetry_samples.ts";
import { type ScrapeStats, startMetricsScraper } from "../../telemetry/metrics_scraper.ts";
import { serverSampleToJsonl } from "../../telemetry/server_metrics_page.ts";
import type { ServerRecord } from "../../telemetry/server_record.ts";
import { JsonlSink } from "../../results/jsonl_sink.ts";

/**
 * A run's server-metrics side channel: the scraper (lib/telemetry/metrics_scraper.ts) started on
 * the run's clock, its samples appended to `server_metrics.jsonl` as they arrive (a crash keeps
 * what was scraped), and kept for the summary and the LoRA timeline. Started only when the
 * server record found `/metrics` with vLLM series; otherwise the run warned once and has none.
 */

/** The run directory's time series of the server's `/metrics`. */
export const SERVER_METRICS_FILE = "server_metrics.jsonl";

/** A running side channel. */
export interface ServerMetricsRun {
  /** Stops scraping; the samples in time order and how the scraping went (null: never ran). */
  stop(): Promise<{ samples: ServerMetricsSample[]; stats: ScrapeStats | null }>;
}

/**
 * Starts scraping when `server.metrics.available`, else returns a run with no samples. The file
 * is created with the first sample, so a server that never answered leaves none.
 */
export function startServerMetrics(
  runDir: string,
  options: {
    server: ServerRecord;
    baseUrl: string;
    origin: number;
    intervalMs: number;
    apiKey?: string;
  },
): ServerMetricsRun {
  if (!options.server.metrics.available) {
    return { stop: () => Promise.resolve({ samples: [], stats: null }) };
  }
  const samples: ServerMetricsSample[] = [];
  const path = join(runDir, SERVER_METRICS_FILE);
  let sink: JsonlSink | undefined;
  let opening: Promise<void> | undefined;
  const pending: ServerMetricsSample[] = [];
  const write = (s: ServerMetricsSample) => {
    if (sink) return sink.write(serverSampleToJsonl(s));
    pending.push(s);
    opening ??= JsonlSink.open(path).then((opened) => {
      sink = opened;
      for (const p of pending.splice(0)) sink.write(serverSampleToJsonl(p));
    });
  };
  const scraper = startMetricsScraper(options.baseUrl, {
    origin: options.origin,
    intervalMs: options.intervalMs,
    apiKey: options.apiKey,
    onSample: (s) => {
      samples.push(s);
      write(s);
    },
  });
  return {
    async stop() {
      const stats = await scraper.stop();
      await opening;
      sink?.close();
      return { samples, stats };
    },
  };
}

/** meta.json `server`: the record, with the scraping's outcome added once the run has ended. */
export function serverMeta(
  server: ServerRecord,
  scraping?: { intervalMs: number; samples: number; stats: ScrapeStats | null },
): Record<string, unknown> {
  const s = scraping?.stats;
  return {
    ...server,
    metrics: {
      ...server.metrics,
      interval_ms: server.metrics.available ? scraping?.intervalMs ?? null : null,
      file: scraping && scraping.samples > 0 ? SERVER_METRICS_FILE : null,
      samples: scraping?.samples ?? null,
      failed_scrapes: s?.failed ?? null,
      skipped_ticks: s?.skippedTicks ?? null,
      malformed_lines: s?.malformedLines ?? null,
    },
  };
}
