import type { ServerMetricsSample } from "../../metrics/telemetry_samples.ts";
import { writeFileAtomic } from "../../fs/atomic_write.ts";

/**
 * The server's `vllm:lora_requests_info` during a LoRA run: which adapters run and wait over
 * time, on the same clock as the request records (ms from the run origin), so the file sits next
 * to the latency timeline of `requests.jsonl`. Taken from the server-metrics scraper's samples
 * (server_metrics_run.ts), which scrapes every 250 ms in LoRA runs; a server without the gauge
 * (or without `/metrics`) gives no timeline.
 */

/** One sample, as a `lora_timeline.jsonl` line holds it. */
export interface LoraTimelineSample {
  /** When the answer arrived, ms from the run origin. */
  tMs: number;
  /** `max_lora`: adapters one batch may hold; null when the label is missing. */
  maxLora: number | null;
  /** Adapters with running requests. */
  running: string[];
  /** Adapters with waiting requests. */
  waiting: string[];
}

/**
 * The timeline out of the server-metrics samples (one `/metrics` poller feeds both files): every
 * sample whose page had `vllm:lora_requests_info`.
 */
export function loraTimelineFrom(samples: readonly ServerMetricsSample[]): LoraTimelineSample[] {
  return samples.filter((s) => s.loraRunning !== null).map((s) => ({
    tMs: s.tMs,
    maxLora: s.maxLora,
    running: s.loraRunning ?? [],
    waiting: s.loraWaiting ?? [],
  }));
}

/** Scrape interval of LoRA runs unless --metrics-interval is given, ms. */
export const LORA_TIMELINE_INTERVAL_MS = 250;

/** One sample as a `lora_timeline.jsonl` line (snake_case; t_ms rounded to 0.001 ms). */
export function timelineSampleToJsonl(s: LoraTimelineSample): string {
  return JSON.stringify({
    t_ms: Math.round(s.tMs * 1000) / 1000,
    max_lora: s.maxLora,
    running: s.running,
    waiting: s.waiting,
  });
}

/** The run directory's timeline file (only written when the server exposed the gauge). */
export const LORA_TIMELINE_FILE = "lora_timeline.jsonl";

/** Writes the samples (none: no file) and counts them in `run.timelineSamples` for meta.json. */
export async function writeLoraTimeline(
  path: string,
  samples: readonly LoraTimelineSample[],
  run: { timelineSamples: number },
): Promise<void> {
  run.timelineSamples = samples.length;
  if (samples.length === 0) return;
  await writeFileAtomic(path, samples.map((s) => timelineSampleToJsonl(s) + "\n").join(""));
}
