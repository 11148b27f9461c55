/**
 * `gpu.csv`: one row per GPU sample, columns {@link GPU_CSV_COLUMNS} (a contract). Pure; the
 * run appends rows as samples arrive.
 */

import { stringify } from "csv-stringify/sync";
import { GPU_CSV_COLUMNS, type GpuSample } from "../../metrics/telemetry_samples.ts";

/** The header line, without its newline. */
export function gpuCsvHeader(): string {
  return GPU_CSV_COLUMNS.join(",");
}

/** One sample as a CSV line without its newline; `t_ms` to 0.001 ms, null as an empty cell. */
export function gpuSampleToCsv(s: GpuSample): string {
  return stringify([[
    Math.round(s.tMs * 1000) / 1000,
    s.gpu,
    s.uuid,
    s.name,
    s.memoryUsedMiB,
    s.memoryTotalMiB,
    s.utilizationGpuPct,
    s.utilizationMemoryPct,
    s.powerDrawW,
    s.temperatureC,
    s.smClockMHz,
  ].map((v) => v === null ? "" : v)]).replace(/\n$/, "");
}
