/**
 * Readers for a run directory's telemetry files, the inverse of the samplers' writers:
 * `gpu.csv` ({@link GPU_CSV_COLUMNS}) and `server_metrics.jsonl` (snake_case
 * {@link ServerMetricsSample} lines). Pure text in, samples out, so `llmload report` can redraw
 * telemetry from the files alone. An empty cell or a JSON null is a value the source did not
 * report (null). Columns are found by header name, so columns appended later are ignored.
 */

import {
  GPU_CSV_COLUMNS,
  type GpuSample,
  type ServerMetricsSample,
} from "../../metrics/telemetry_samples.ts";

/** Splits one CSV line (RFC 4180 quoting, as csv-stringify writes it) into cells. */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      cells.push(cur);
      cur = "";
    } else cur += c;
  }
  cells.push(cur);
  return cells;
}

/**
 * Parses `gpu.csv` text. Throws an Error naming the file, line and column of every bad cell,
 * e.g. `gpu.csv line 3: column "power_draw_w" must be a number or empty (got "x")`.
 */
export function gpuSamplesFromCsv(text: string): GpuSample[] {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines.length === 0) return [];
  const header = csvCells(lines[0]);
  const missing = GPU_CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new Error(`gpu.csv: header lacks column(s) ${missing.join(", ")}`);
  }
  const col = Object.fromEntries(GPU_CSV_COLUMNS.map((c) => [c, header.indexOf(c)]));
  const problems: string[] = [];
  const samples = lines.slice(1).map((line, i): GpuSample => {
    const cells = csvCells(line);
    const num = (name: (typeof GPU_CSV_COLUMNS)[number], optional: boolean): number | null => {
      const raw = (cells[col[name]] ?? "").trim();
      if (raw === "" && optional) return null;
      const v = Number(raw);
      if (raw === "" || !Number.isFinite(v)) {
        const want = optional ? "a number or empty" : "a number";
        problems.push(`gpu.csv line ${i + 2}: column "${name}" must be ${want} (got "${raw}")`);
        return null;
      }
      return v;
    };
    return {
      tMs: num("t_ms", false) ?? NaN,
      gpu: num("gpu", false) ?? NaN,
      uuid: cells[col.uuid] ?? "",
      name: cells[col.name] ?? "",
      memoryUsedMiB: num("memory_used_mib", true),
      memoryTotalMiB: num("memory_total_mib", true),
      utilizationGpuPct: num("utilization_gpu_pct", true),
      utilizationMemoryPct: num("utilization_memory_pct", true),
      powerDrawW: num("power_draw_w", true),
      temperatureC: num("temperature_c", true),
      smClockMHz: num("sm_clock_mhz", true),
    };
  });
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return samples;
}

const SERVER_KEYS: readonly [keyof ServerMetricsSample, string][] = [
  ["numRequestsRunning", "num_requests_running"],
  ["numRequestsWaiting", "num_requests_waiting"],
  ["kvCacheUsage", "kv_cache_usage"],
  ["numPreemptionsTotal", "num_preemptions_total"],
  ["promptTokensTotal", "prompt_tokens_total"],
  ["generationTokensTotal", "generation_tokens_total"],
  ["prefixCacheQueriesTotal", "prefix_cache_queries_total"],
  ["prefixCacheHitsTotal", "prefix_cache_hits_total"],
  ["maxLora", "max_lora"],
];

/**
 * Parses `server_metrics.jsonl` text. A missing key reads as null (older or other servers);
 * throws an Error naming the line and field of every value of the wrong type.
 */
export function serverSamplesFromJsonl(text: string): ServerMetricsSample[] {
  const problems: string[] = [];
  const samples: ServerMetricsSample[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const where = `server_metrics.jsonl line ${i + 1}`;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line);
    } catch (e) {
      problems.push(`${where}: not valid JSON (${(e as Error).message})`);
      return;
    }
    if (typeof o !== "object" || o === null || Array.isArray(o)) {
      problems.push(`${where}: expected a JSON object`);
      return;
    }
    const num = (key: string): number | null => {
      const v = o[key];
      if (v === null || v === undefined) return null;
      if (typeof v === "number" && Number.isFinite(v)) return v;
      problems.push(`${where}: field "${key}" must be a number or null (got ${JSON.stringify(v)})`);
      return null;
    };
    const names = (key: string): string[] | null => {
      const v = o[key];
      if (v === null || v === undefined) return null;
      if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
      problems.push(`${where}: field "${key}" must be an array of strings or null`);
      return null;
    };
    const tMs = num("t_ms");
    if (tMs === null) problems.push(`${where}: field "t_ms" must be a number`);
    const sample = {
      tMs: tMs ?? NaN,
      loraRunning: names("lora_running"),
      loraWaiting: names("lora_waiting"),
    } as ServerMetricsSample;
    for (const [camel, snake] of SERVER_KEYS) {
      (sample as unknown as Record<string, unknown>)[camel] = num(snake);
    }
    samples.push(sample);
  });
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return samples;
}
