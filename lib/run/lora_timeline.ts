import { type LoraRequestsInfo, parseLoraRequestsInfo } from "../telemetry/lora_requests_info.ts";
import { writeFileAtomic } from "../report/atomic_write.ts";

/**
 * Samples the server's `vllm:lora_requests_info` during a LoRA run: which adapters run and wait
 * over time, on the same clock as the request records (ms from the run origin), so the file sits
 * next to the latency timeline of `requests.jsonl`. A side channel: one `GET /metrics` at a time,
 * never awaited by the request path; a server whose first page lacks the gauge (or has no
 * `/metrics`) is not sampled further.
 */

/** One sample, as a `lora_timeline.jsonl` line holds it. */
export interface LoraTimelineSample extends LoraRequestsInfo {
  /** When the answer arrived, ms from the run origin. */
  tMs: number;
}

/** A running sampler. */
export interface LoraTimeline {
  /** Stops sampling and returns the samples, oldest first. */
  stop(): Promise<LoraTimelineSample[]>;
}

/** Default gap between samples, ms. */
export const LORA_TIMELINE_INTERVAL_MS = 250;

/** `/metrics` sits at the server root, beside `/v1`. */
function metricsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, "").replace(/\/v1$/, "")}/metrics`;
}

/** Starts sampling `baseUrl`'s `/metrics` every `intervalMs` (default 250 ms). */
export function startLoraTimeline(
  baseUrl: string,
  options: { origin: number; apiKey?: string; intervalMs?: number },
): LoraTimeline {
  const url = metricsUrl(baseUrl);
  const interval = options.intervalMs ?? LORA_TIMELINE_INTERVAL_MS;
  const headers: Record<string, string> = {};
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const samples: LoraTimelineSample[] = [];
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let stopped = false;

  const sampleOnce = async (): Promise<boolean> => {
    try {
      const res = await fetch(url, { headers, signal: abort.signal });
      const text = await res.text();
      const info = res.ok ? parseLoraRequestsInfo(text) : undefined;
      if (!info) return false;
      samples.push({ tMs: performance.now() - options.origin, ...info });
      return true;
    } catch {
      return samples.length > 0; // a failed scrape mid-run is skipped, not fatal
    }
  };
  const loop = (async () => {
    while (!stopped) {
      if (!(await sampleOnce()) && samples.length === 0) return;
      if (stopped) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, interval);
      });
    }
  })();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.(); // the loop may be between samples: let it see `stopped` now
      abort.abort();
      await loop;
      return samples;
    },
  };
}

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
