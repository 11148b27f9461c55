/**
 * The adapters a dataset names (`adapter_name` in JSONL/CSV, the folder of `adapter_path` in
 * adapters.json), so a run can check, load or serve them before the clock starts.
 */
import type { DatasetItem } from "../datasets/mod.ts";
import type { AdapterInfo } from "./adapter_info.ts";

/**
 * Distinct adapters of `items`, first seen first, with the first path given for each (items
 * without an adapter use the base model and add nothing). Names are kept exactly as written.
 */
export function adaptersFromDataset(items: readonly DatasetItem[]): AdapterInfo[] {
  const byName = new Map<string, AdapterInfo>();
  for (const item of items) {
    if (item.adapter === undefined) continue;
    const known = byName.get(item.adapter);
    if (!known) {
      const a: AdapterInfo = { name: item.adapter, source: "dataset" };
      if (item.adapterPath !== undefined) a.path = item.adapterPath;
      byName.set(item.adapter, a);
    } else if (known.path === undefined && item.adapterPath !== undefined) {
      known.path = item.adapterPath;
    }
  }
  return [...byName.values()];
}
