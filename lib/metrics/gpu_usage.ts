/**
 * GPU figures for reports and comparisons, from `gpu.csv` samples: per GPU the peak memory used,
 * its capacity, the mean utilisation and the energy drawn. Pure.
 */

import type { GpuSample } from "./telemetry_samples.ts";

/** One GPU's figures over a run; a figure is null when no sample reported it. */
export interface GpuUsage {
  gpu: number;
  name: string;
  /** Highest `memory.used` seen, MiB. */
  memoryPeakMiB: number | null;
  /** `memory.total` (the largest reported), MiB. */
  memoryTotalMiB: number | null;
  /** Mean GPU utilisation over the samples, %. */
  utilizationMeanPct: number | null;
  /** Peak power draw, W. */
  powerPeakW: number | null;
  /**
   * Energy, Wh: power integrated over time with the trapezoid rule between consecutive samples
   * of this GPU (gaps where either end is null are skipped). Null with fewer than 2 readings.
   */
  energyWh: number | null;
}

const maxOf = (xs: (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length === 0 ? null : Math.max(...v);
};

/** Per-GPU figures, ordered by GPU index; empty without samples. */
export function gpuUsage(samples: readonly GpuSample[]): GpuUsage[] {
  const byGpu = new Map<number, GpuSample[]>();
  for (const s of samples) {
    let list = byGpu.get(s.gpu);
    if (!list) byGpu.set(s.gpu, list = []);
    list.push(s);
  }
  return [...byGpu.keys()].sort((a, b) => a - b).map((gpu) => {
    const list = byGpu.get(gpu)!.slice().sort((a, b) => a.tMs - b.tMs);
    const util = list.map((s) => s.utilizationGpuPct).filter((x): x is number => x !== null);
    let energyJ = 0;
    let spans = 0;
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1].powerDrawW;
      const b = list[i].powerDrawW;
      if (a === null || b === null) continue;
      energyJ += (a + b) / 2 * (list[i].tMs - list[i - 1].tMs) / 1000;
      spans++;
    }
    return {
      gpu,
      name: list[0].name,
      memoryPeakMiB: maxOf(list.map((s) => s.memoryUsedMiB)),
      memoryTotalMiB: maxOf(list.map((s) => s.memoryTotalMiB)),
      utilizationMeanPct: util.length === 0 ? null : util.reduce((a, b) => a + b, 0) / util.length,
      powerPeakW: maxOf(list.map((s) => s.powerDrawW)),
      energyWh: spans === 0 ? null : energyJ / 3600,
    };
  });
}

/** Totals over all GPUs: the largest per-GPU memory peak and the summed energy. */
export function gpuTotals(
  usage: readonly GpuUsage[],
): { memoryPeakMiB: number | null; energyWh: number | null } {
  const energies = usage.map((u) => u.energyWh).filter((x): x is number => x !== null);
  return {
    memoryPeakMiB: maxOf(usage.map((u) => u.memoryPeakMiB)),
    energyWh: energies.length === 0 ? null : energies.reduce((a, b) => a + b, 0),
  };
}
