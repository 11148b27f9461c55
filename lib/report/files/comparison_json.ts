/** The `--lora-mode compare` report as `comparison.json`. Pure. */

import type { LoraComparison } from "../../metrics/lora_comparison.ts";
import { summaryToJson } from "./summary_json.ts";

/**
 * `comparison.json`: the comparison as stable, pretty JSON, numbers rounded to 3 decimals like
 * `summary.json`. Keys: `reference` ("baseline"); `runs` (compared runs in order);
 * `metrics[]` of `{key, label, unit, better, values: {run: number|null},
 * improvement_pct: {run: number|null}}`; `requests: {run: {total, ok, failed, dropped,
 * duration_s, success_rate_pct}}`; `adapters: {run: {adapter: requests}}`.
 */
export function comparisonToJson(comparison: LoraComparison): string {
  return summaryToJson(comparison as unknown as Record<string, unknown>);
}
