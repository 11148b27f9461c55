/**
 * Everything a run's summary and reports need from its records, built one record at a time:
 * the summary's counters and histograms, per-adapter statistics, windows over time, error
 * bursts, SLO attainment and the phases' time spans. A record is folded in as it ends and can
 * then be dropped (its token times included), so a run holds the same few hundred kilobytes
 * after an hour as after a minute; `llmload report`, `merge` and `compare` build the same digest
 * by streaming requests.jsonl line by line. Pure.
 */

import type { RequestRecord } from "./record.ts";
import { SummaryAccumulator } from "./summary.ts";
import { AdapterAccumulator } from "./adapter_stats.ts";
import { WindowAccumulator } from "./time_windows.ts";
import { BurstAccumulator } from "./observations.ts";
import { SloAccumulator } from "./slo.ts";
import type { GateExpression } from "./gate_expression.ts";
import { type RunWindows, RunWindowsAccumulator } from "./gpu_summary.ts";

/** Options of a {@link RunDigest}. */
export interface DigestOptions {
  /** The base model's name: requests naming another model are adapter requests. */
  baseModel?: string;
  /** The `--slo` objectives, judged per request as records arrive; none: no SLO summary. */
  slo?: readonly GateExpression[];
}

/** A run's statistics, fed one record at a time (see the module doc). */
export class RunDigest {
  readonly summary = new SummaryAccumulator();
  readonly adapters: AdapterAccumulator;
  readonly windows = new WindowAccumulator();
  readonly bursts = new BurstAccumulator();
  readonly slo: SloAccumulator | null;
  /** Records folded in, warm-up included. */
  records = 0;
  /** True once a record named a model other than the base model, or none (adapter statistics apply). */
  otherModels = false;
  readonly #phases = new RunWindowsAccumulator();
  readonly #baseModel: string | undefined;

  constructor(options: DigestOptions = {}) {
    this.#baseModel = options.baseModel;
    this.adapters = new AdapterAccumulator({ baseModel: options.baseModel });
    this.slo = options.slo && options.slo.length > 0 ? new SloAccumulator(options.slo) : null;
  }

  /** Folds one record in; nothing of it is kept. */
  add(r: RequestRecord): void {
    this.records++;
    this.summary.add(r);
    this.adapters.add(r);
    this.windows.add(r);
    this.bursts.add(r);
    this.slo?.add(r);
    this.#phases.add(r);
    if (r.model !== this.#baseModel) this.otherModels = true;
  }

  /** When the run sent its first request, and each phase's first send to last end. */
  runWindows(): RunWindows {
    return this.#phases.result();
  }
}

/** The digest of `records` (tests, small record sets). */
export function digestOf(records: Iterable<RequestRecord>, options: DigestOptions = {}): RunDigest {
  const d = new RunDigest(options);
  for (const r of records) d.add(r);
  return d;
}
