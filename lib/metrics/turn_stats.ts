/**
 * Latency by turn index of multi-turn sessions (summary.json `by_turn`, docs/sessions.md): TTFT,
 * E2E and prompt tokens of the measured ok requests of each turn number. With a prefix cache,
 * later turns reuse the history's KV blocks, so TTFT by turn shows whether the server's cache
 * works; prompt tokens by turn show the history growing. Mergeable histograms, like the rest of
 * the summary. Pure.
 */
import { LatencyHistogram } from "./latency_histogram.ts";
import type { RequestRecord } from "./record.ts";
import { requestMetrics } from "./per_request.ts";
import type { Stats } from "./stats.ts";

/** One row of `by_turn`: turn `turn` (1-based) of every session. */
export interface TurnRow {
  turn: number;
  /** Measured requests of this turn that were sent (ok or failed). */
  requests: number;
  ok: number;
  ttft_ms: Stats;
  e2e_ms: Stats;
  /** Prompt tokens per the server's usage (the whole history), over ok requests reporting it. */
  prompt_tokens: Stats;
}

interface TurnHistograms {
  requests: number;
  ok: number;
  ttft: LatencyHistogram;
  e2e: LatencyHistogram;
  prompt: LatencyHistogram;
}

/** Folds session turns in, one record at a time; records without a turn are ignored. */
export class TurnAccumulator {
  readonly #turns = new Map<number, TurnHistograms>();

  add(r: RequestRecord): void {
    if (r.turn === undefined || r.phase !== "measure" || r.dropped) return;
    let t = this.#turns.get(r.turn);
    if (!t) {
      t = {
        requests: 0,
        ok: 0,
        ttft: new LatencyHistogram(),
        e2e: new LatencyHistogram(),
        prompt: new LatencyHistogram(),
      };
      this.#turns.set(r.turn, t);
    }
    t.requests++;
    if (r.error) return;
    t.ok++;
    const m = requestMetrics(r);
    t.e2e.add(m.e2eMs);
    if (m.ttftMs !== undefined) t.ttft.add(m.ttftMs);
    if (r.promptTokens !== undefined) t.prompt.add(r.promptTokens);
  }

  /** One row per turn number seen, in turn order; empty outside sessions. */
  rows(): TurnRow[] {
    return [...this.#turns.entries()].sort(([a], [b]) => a - b).map(([turn, t]) => ({
      turn,
      requests: t.requests,
      ok: t.ok,
      ttft_ms: t.ttft.stats(),
      e2e_ms: t.e2e.stats(),
      prompt_tokens: t.prompt.stats(),
    }));
  }

  /** `{ by_turn }` for a summary of session turns; `{}` otherwise (the key stays absent). */
  entry(): { by_turn?: TurnRow[] } {
    return this.#turns.size > 0 ? { by_turn: this.rows() } : {};
  }
}
