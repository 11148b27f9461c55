/**
 * Cold starts in a LoRA run: the first request sent to each adapter, which pays for loading the
 * adapter into a GPU slot (vLLM loads LoRAs lazily; the simulator charges `--lora-load-time`).
 *
 * Definition: per adapter, the cold request is the record with the earliest `sentAt` among all
 * records that were actually sent to it — warm-up records included, dropped ones excluded (they
 * were never sent); ties go to the lower `index`. Warm-up counts because the server loads the
 * adapter on first use whatever our phase: if warm-up touched the adapter, no measured request
 * was cold, and the report says so (the cold record's phase is "warmup"). Failed requests count
 * too: a request that reached the server may have triggered the load. Requests sent while the
 * load was still running also wait, but only the first is marked; compare the cold TTFT with the
 * warm p50 to see the load cost.
 */
import type { RequestRecord } from "./record.ts";

/** Options naming which model field means "no adapter". */
export interface AdapterKeyOptions {
  /**
   * The base model's name: records with this `model`, or with none, are base-model requests and
   * are grouped under this name (default {@link BASE_MODEL_KEY}).
   */
  baseModel?: string;
}

/** Group name for records without a `model` when no base model name is known. */
export const BASE_MODEL_KEY = "(base)";

/** The adapter (or base model) a record's request named, as statistics group it. */
export function adapterKey(record: RequestRecord, options: AdapterKeyOptions = {}): string {
  return record.model ?? options.baseModel ?? BASE_MODEL_KEY;
}

/** True when `key` is the base model's group rather than an adapter's. */
export function isBaseKey(key: string, options: AdapterKeyOptions = {}): boolean {
  return key === (options.baseModel ?? BASE_MODEL_KEY);
}

/**
 * The cold record of each adapter (see the module doc), keyed by adapter name. The base model
 * has no entry: it is always loaded.
 */
export function findColdStarts(
  records: readonly RequestRecord[],
  options: AdapterKeyOptions = {},
): Map<string, RequestRecord> {
  const cold = new Map<string, RequestRecord>();
  for (const r of records) {
    if (r.dropped) continue;
    const key = adapterKey(r, options);
    if (isBaseKey(key, options)) continue;
    const seen = cold.get(key);
    if (!seen || r.sentAt < seen.sentAt || (r.sentAt === seen.sentAt && r.index < seen.index)) {
      cold.set(key, r);
    }
  }
  return cold;
}
