/**
 * GPU samples (nvidia-smi, see telemetry_samples.ts) in, the `gpu` key of summary.json out.
 * Pure. Times are ms on the run's clock, like the request records.
 *
 * Definitions (per GPU, then summed or averaged over GPUs as each field says):
 * - baseline: memory used at the last sample before the first request was sent (any phase);
 *   null when the sampler had no reading by then;
 * - peak, mean: of memory used over the samples inside the window; delta = peak - baseline;
 * - utilisation and power means: arithmetic means of the samples inside the window (samples are
 *   evenly spaced), fields a device does not report (`[N/A]`) are left out, never read as 0;
 * - energy: the integral of power over the window, power taken as linear between samples
 *   (trapezoids, clipped at the window's edges), in joules; a gap with no power reading adds
 *   nothing, so energy is a lower bound when readings are missing;
 * - output tokens per joule: the window's output tokens of ok requests / energy.
 * The run's figures use the measured window (first send to last end of a measured request,
 * warm-up excluded), the same window as `throughput`.
 */

import type { RequestRecord } from "./record.ts";
import type { GpuSample } from "./telemetry_samples.ts";

/** A span of the run's clock, ms. */
export interface TimeWindow {
  startMs: number;
  endMs: number;
}

/** Readings of one window (a phase), over all GPUs: memory and power summed, utilisation averaged. */
export interface GpuWindowStats {
  start_ms: number;
  end_ms: number;
  /** Samples (GPU readings) inside the window. */
  samples: number;
  /** Sum over GPUs of each one's peak memory used, MiB. */
  memory_peak_mib: number | null;
  /** Sum over GPUs of each one's mean memory used, MiB. */
  memory_mean_mib: number | null;
  /** Mean over GPUs of each one's mean utilisation, %. */
  utilization_mean_pct: number | null;
  /** Sum over GPUs of each one's mean power draw, W. */
  power_mean_w: number | null;
  /** Sum over GPUs, J. */
  energy_j: number | null;
}

/** One GPU over the measured window. */
export interface GpuDeviceSummary {
  gpu: number;
  uuid: string;
  name: string;
  memory_total_mib: number | null;
  memory_baseline_mib: number | null;
  memory_peak_mib: number | null;
  memory_mean_mib: number | null;
  memory_delta_mib: number | null;
  utilization_mean_pct: number | null;
  power_mean_w: number | null;
  energy_j: number | null;
  samples: number;
}

/** summary.json's `gpu`: the measured window over all GPUs, each GPU, and each phase. */
export interface GpuSummary {
  /** Distinct GPUs (by uuid) that reported. */
  gpus: number;
  /** Every sample of the run (all windows). */
  samples: number;
  /** The measured window, ms on the run clock; null when no measured request was sent. */
  window_ms: { start: number; end: number } | null;
  /** Sum over GPUs. */
  memory_baseline_mib: number | null;
  memory_peak_mib: number | null;
  memory_mean_mib: number | null;
  /** memory_peak_mib - memory_baseline_mib. */
  memory_delta_mib: number | null;
  utilization_mean_pct: number | null;
  power_mean_w: number | null;
  energy_j: number | null;
  output_tokens_per_joule: number | null;
  per_gpu: GpuDeviceSummary[];
  /** The same readings per phase of the run (`warmup`, `measure`); null for a phase not run. */
  phases: Record<string, GpuWindowStats | null>;
}

/** When the run sent its first request, and the windows of its phases. */
export interface RunWindows {
  /** Earliest send of any request (warm-up included); null when nothing was sent. */
  loadStartMs: number | null;
  warmup: TimeWindow | null;
  measure: TimeWindow | null;
}

/** First send and last end of one phase's sent records (ms). */
class PhaseSpan {
  start = Infinity;
  end = -Infinity;
  add(r: RequestRecord): void {
    this.start = Math.min(this.start, r.sentAt);
    this.end = Math.max(this.end, r.endAt);
  }
  get window(): TimeWindow | null {
    return Number.isFinite(this.start) ? { startMs: this.start, endMs: this.end } : null;
  }
}

/** The run's phase windows, built one record at a time (dropped records were never sent). */
export class RunWindowsAccumulator {
  readonly #warmup = new PhaseSpan();
  readonly #measure = new PhaseSpan();
  add(r: RequestRecord): void {
    if (!r.dropped) (r.phase === "warmup" ? this.#warmup : this.#measure).add(r);
  }
  result(): RunWindows {
    const warmup = this.#warmup.window;
    const measure = this.#measure.window;
    const starts = [warmup?.startMs, measure?.startMs].filter((x): x is number => x !== undefined);
    return { loadStartMs: starts.length ? Math.min(...starts) : null, warmup, measure };
  }
}

/** The run's windows from its records: each phase spans its first send to its last end. */
export function runWindows(records: Iterable<RequestRecord>): RunWindows {
  const acc = new RunWindowsAccumulator();
  for (const r of records) acc.add(r);
  return acc.result();
}

const mean = (xs: readonly number[]) =>
  xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
const sumOrNull = (xs: readonly (number | null)[]) => {
  const known = xs.filter((x): x is number => x !== null);
  return known.length ? known.reduce((a, b) => a + b, 0) : null;
};
const values = (samples: readonly GpuSample[], pick: (s: GpuSample) => number | null) =>
  samples.map(pick).filter((v): v is number => v !== null);

/**
 * Energy in J of one GPU's power readings over `w`: power linear between consecutive readings,
 * clipped to the window. `samples` in time order, one GPU.
 */
export function energyJoules(samples: readonly GpuSample[], w: TimeWindow): number | null {
  const pts = samples.filter((s) => s.powerDrawW !== null);
  if (pts.length === 0) return null;
  let joules = 0;
  let covered = false;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1];
    const b = pts[i];
    if (b.tMs <= a.tMs) continue;
    const from = Math.max(a.tMs, w.startMs);
    const to = Math.min(b.tMs, w.endMs);
    if (to <= from) continue;
    const at = (t: number) =>
      a.powerDrawW! + (b.powerDrawW! - a.powerDrawW!) * (t - a.tMs) / (b.tMs - a.tMs);
    joules += (at(from) + at(to)) / 2 * (to - from) / 1000;
    covered = true;
  }
  return covered ? joules : 0;
}

/** Splits samples by GPU (uuid), each in time order, GPUs by index then uuid. */
function byGpu(samples: readonly GpuSample[]): GpuSample[][] {
  const groups = new Map<string, GpuSample[]>();
  for (const s of samples) {
    const g = groups.get(s.uuid);
    if (g) g.push(s);
    else groups.set(s.uuid, [s]);
  }
  return [...groups.values()]
    .map((g) => g.toSorted((a, b) => a.tMs - b.tMs))
    .sort((a, b) => a[0].gpu - b[0].gpu || a[0].uuid.localeCompare(b[0].uuid));
}

function deviceWindow(samples: readonly GpuSample[], w: TimeWindow) {
  const inside = samples.filter((s) => s.tMs >= w.startMs && s.tMs <= w.endMs);
  const mem = values(inside, (s) => s.memoryUsedMiB);
  return {
    samples: inside.length,
    memoryPeak: mem.length ? Math.max(...mem) : null,
    memoryMean: mean(mem),
    utilMean: mean(values(inside, (s) => s.utilizationGpuPct)),
    powerMean: mean(values(inside, (s) => s.powerDrawW)),
    energy: energyJoules(samples, w),
  };
}

/** Readings of every GPU over one window, combined. */
export function gpuWindowStats(samples: readonly GpuSample[], w: TimeWindow): GpuWindowStats {
  const per = byGpu(samples).map((g) => deviceWindow(g, w));
  return {
    start_ms: w.startMs,
    end_ms: w.endMs,
    samples: per.reduce((n, d) => n + d.samples, 0),
    memory_peak_mib: sumOrNull(per.map((d) => d.memoryPeak)),
    memory_mean_mib: sumOrNull(per.map((d) => d.memoryMean)),
    utilization_mean_pct: mean(per.map((d) => d.utilMean).filter((v): v is number => v !== null)),
    power_mean_w: sumOrNull(per.map((d) => d.powerMean)),
    energy_j: sumOrNull(per.map((d) => d.energy)),
  };
}

/**
 * The `gpu` summary of a run: null when there is no sample at all (no GPU, sampler off or
 * failed). `outputTokens`: output tokens of ok measured requests (summary `tokens.output_total`).
 */
export function summarizeGpu(
  samples: readonly GpuSample[],
  windows: RunWindows,
  options: { outputTokens: number },
): GpuSummary | null {
  if (samples.length === 0) return null;
  const groups = byGpu(samples);
  const w = windows.measure;
  const per: GpuDeviceSummary[] = groups.map((g) => {
    const last = g[g.length - 1];
    const before = windows.loadStartMs === null
      ? []
      : g.filter((s) => s.tMs < windows.loadStartMs! && s.memoryUsedMiB !== null);
    const baseline = before.length ? before[before.length - 1].memoryUsedMiB : null;
    const d = w ? deviceWindow(g, w) : undefined;
    return {
      gpu: last.gpu,
      uuid: last.uuid,
      name: last.name,
      memory_total_mib: last.memoryTotalMiB,
      memory_baseline_mib: baseline,
      memory_peak_mib: d?.memoryPeak ?? null,
      memory_mean_mib: d?.memoryMean ?? null,
      memory_delta_mib: baseline !== null && d?.memoryPeak != null ? d.memoryPeak - baseline : null,
      utilization_mean_pct: d?.utilMean ?? null,
      power_mean_w: d?.powerMean ?? null,
      energy_j: d?.energy ?? null,
      samples: d?.samples ?? 0,
    };
  });
  const baseline = per.every((d) => d.memory_baseline_mib !== null)
    ? sumOrNull(per.map((d) => d.memory_baseline_mib))
    : null;
  const peak = sumOrNull(per.map((d) => d.memory_peak_mib));
  const energy = sumOrNull(per.map((d) => d.energy_j));
  return {
    gpus: groups.length,
    samples: samples.length,
    window_ms: w ? { start: w.startMs, end: w.endMs } : null,
    memory_baseline_mib: baseline,
    memory_peak_mib: peak,
    memory_mean_mib: sumOrNull(per.map((d) => d.memory_mean_mib)),
    memory_delta_mib: baseline !== null && peak !== null ? peak - baseline : null,
    utilization_mean_pct: mean(
      per.map((d) => d.utilization_mean_pct).filter((v): v is number => v !== null),
    ),
    power_mean_w: sumOrNull(per.map((d) => d.power_mean_w)),
    energy_j: energy,
    output_tokens_per_joule: energy !== null && energy > 0 ? options.outputTokens / energy : null,
    per_gpu: per,
    phases: {
      warmup: windows.warmup ? gpuWindowStats(samples, windows.warmup) : null,
      measure: w ? gpuWindowStats(samples, w) : null,
    },
  };
}
