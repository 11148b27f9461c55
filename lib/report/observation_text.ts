/**
 * Observations (lib/metrics/observations.ts) as one Markdown sentence each, numbers included,
 * so a reader sees why the check fired. Pure.
 */

import { type Observation, OBSERVATION_THRESHOLDS } from "../metrics/observations.ts";
import { formatMs } from "./format_ms.ts";

const pct = (x: number) => `${x.toFixed(1)} %`;
const T = OBSERVATION_THRESHOLDS;

/** One sentence for `o`. */
export function observationText(o: Observation): string {
  switch (o.kind) {
    case "client_lag": {
      const parts = [];
      if (o.sendLatenessP99Ms !== null) {
        parts.push(`send lateness p99 ${formatMs(o.sendLatenessP99Ms)} ms`);
      }
      if (o.ttftGapP50Ms !== null) {
        parts.push(
          `TTFT from the schedule exceeds TTFT from the send by ${
            formatMs(o.ttftGapP50Ms)
          } ms at p50`,
        );
      }
      return `**Client lag**: ${parts.join("; ")}. The load generator sent late, so latencies ` +
        `measured from the send understate what users would see; use fewer streams per client, ` +
        `more workers, or a lower rate.`;
    }
    case "dropped":
      return `**Saturation**: ${o.dropped} of ${o.total} measured requests were dropped because ` +
        `the in-flight cap was full: the server could not keep up with the offered rate.`;
    case "server_queue":
      return `**Server queueing**: up to ${o.maxWaiting} requests waited in the server's queue ` +
        `(vllm:num_requests_waiting): the engine ran at its batch limit.`;
    case "errors":
      return `**Errors**: ${o.failed} of ${o.total} sent requests failed (${pct(o.pct)}; ` +
        Object.entries(o.kinds).map(([k, n]) => `${k} ${n}`).join(", ") + ").";
    case "error_burst":
      return `**Error burst** from ${(o.fromMs / 1000).toFixed(1)} s to ${
        (o.toMs / 1000).toFixed(1)
      } s: ${o.errors} of ${o.requests} requests ending then failed.`;
    case "vram_near_capacity":
      return `**VRAM near capacity** on GPU ${o.gpu}: peak ${o.peakMiB} of ${o.totalMiB} MiB ` +
        `(${pct(o.pct)}); longer prompts or more concurrency risk preemption or OOM.`;
    case "prompt_drift":
      return `**Prompt-length drift**: the server counted ${o.driftPct > 0 ? "+" : ""}${
        o.driftPct.toFixed(1)
      } % prompt tokens against the requested lengths; input lengths in this report are the ` +
        `server's.`;
    case "latency_knee":
      return `**Latency knee** at point ${o.point} (${o.label}): mean latency ×${
        o.latencyRatio.toFixed(2)
      } over the previous point while requests/s ${
        o.throughputGainPct === null
          ? "was unknown"
          : `changed ${o.throughputGainPct >= 0 ? "+" : ""}${o.throughputGainPct.toFixed(1)} %`
      }: load beyond the previous point mostly adds waiting.`;
  }
}

/** The thresholds, in one line, for a report's "nothing found" note. */
export function thresholdsText(): string {
  return `send lateness p99 > ${T.sendLatenessP99Ms} ms or a TTFT-from-schedule gap > ` +
    `${T.ttftGapMs} ms; any dropped request or server queueing; any failed request ` +
    `(bursts: ≥ ${T.burstMinErrors} failures and ≥ ${T.burstMinShare * 100} % of a ` +
    `${T.burstWindowMs / 1000} s window); VRAM ≥ ${T.vramFraction * 100} %; prompt drift ≥ ` +
    `${T.promptDriftPct} %; in a sweep, mean latency ×${T.kneeLatencyRatio} with < ` +
    `${T.kneeThroughputGain * 100} % more requests/s`;
}
