/**
 * What request `index` of a run asks for (prompt, model, max_tokens), the same on the main thread
 * and in every worker thread: a pure function of the plan, the prepared prompts and the index, so
 * a request's content never depends on which thread sends it.
 */

import type { RequestSpec } from "../client/types.ts";
import type { RunPlan } from "../config/run_plan.ts";
import type { Arrival } from "../load/arrival_feed.ts";
import type { Slot } from "../load/types.ts";
import type { RequestRecord } from "../metrics/record.ts";
import { type Dataset, pickForRequest } from "../workload/datasets/mod.ts";
import { type LengthBuckets, lengthBuckets } from "../workload/length_buckets.ts";
import type { ParsedTrace } from "../load/trace_replay.ts";
import { outputTokensFor } from "../workload/output_length.ts";
import { blockPrompt } from "../workload/block_prompts.ts";
import type { PromptBook } from "../workload/prepare_prompts.ts";

/** The prepared inputs a request's content comes from. */
export interface SpecSources {
  /** The served model (sent as `model` unless an adapter is chosen). */
  model: string;
  /** Dataset prompts; otherwise `book` gives synthetic ones. */
  dataset?: Dataset;
  book?: PromptBook;
  /** A trace's arrival behind each index (its own token counts). */
  arrival?: (index: number) => Arrival | undefined;
  /** A trace's prompt lengths, bucketed as calibrated. */
  buckets?: LengthBuckets;
  /** LoRA: the adapter request `index` names. */
  adapterFor?: (index: number) => string | undefined;
}

/** Returns the spec of request `index` for `plan`. */
export function requestSpecs(plan: RunPlan, sources: SpecSources): (index: number) => RequestSpec {
  const { model, dataset, book, buckets, adapterFor } = sources;
  const planMaxTokens = (index: number) =>
    plan.request.outputTokens
      ? outputTokensFor(plan.request.outputTokens, plan.seed, index)
      : plan.request.maxTokens;
  return (index) => {
    // Dataset: request i uses item i mod n (cycling when the run outlasts the dataset); the
    // item's adapter is sent as `model`, its max_tokens wins over the plan's. Its prompt length
    // is whatever the file says, so no requested length is recorded (drift would be meaningless).
    if (dataset) {
      const { item } = pickForRequest(dataset.items, index)!;
      return {
        endpoint: plan.endpoint,
        model: (adapterFor ? adapterFor(index) : item.adapter) ?? model,
        prompt: item.prompt,
        maxTokens: item.maxTokens ?? planMaxTokens(index),
        ignoreEos: plan.request.ignoreEos || undefined,
        sampling: plan.request.sampling,
      };
    }
    // A trace's arrival asks for its own lengths (prompt bucketed, see length_buckets.ts).
    const arrival = sources.arrival?.(index);
    const blocks = book?.portable.blocks;
    // Prefix blocks (`hash_ids`) are built to the exact length: never bucketed.
    if (blocks && arrival && hasBlocks(arrival)) {
      const promptTokens = Math.max(1, arrival.inputTokens ?? plan.request.promptTokens);
      return {
        endpoint: plan.endpoint,
        model: adapterFor?.(index) ?? model,
        prompt: blockPrompt(blocks, index, arrival.hashIds!, promptTokens),
        maxTokens: arrival.outputTokens !== undefined
          ? Math.max(1, arrival.outputTokens)
          : planMaxTokens(index),
        ignoreEos: plan.request.ignoreEos || undefined,
        requestedPromptTokens: promptTokens,
        sampling: plan.request.sampling,
      };
    }
    // A line without a length uses --prompt-tokens, bucketed alike so it was calibrated too.
    const promptTokens = buckets
      ? buckets.bucketOf(Math.max(1, arrival?.inputTokens ?? plan.request.promptTokens))
      : plan.request.promptTokens;
    return {
      endpoint: plan.endpoint,
      model: adapterFor?.(index) ?? model,
      prompt: book!.promptFor(index, promptTokens),
      maxTokens: arrival?.outputTokens !== undefined
        ? Math.max(1, arrival.outputTokens)
        : planMaxTokens(index),
      ignoreEos: plan.request.ignoreEos || undefined,
      requestedPromptTokens: promptTokens,
      sampling: plan.request.sampling,
    };
  };
}

/** The record of an open-loop arrival dropped at a full `--max-in-flight` cap (never sent). */
export function droppedRecord(slot: Slot, spec: RequestSpec): RequestRecord {
  return {
    index: slot.index,
    phase: slot.phase,
    requestId: "",
    model: spec.model,
    scheduledAt: slot.scheduledAt,
    sentAt: slot.scheduledAt,
    endAt: slot.scheduledAt,
    tokenTimes: [],
    tokenCounts: [],
    outputTokens: 0,
    outputTokensSource: "counted",
    requestedPromptTokens: spec.requestedPromptTokens,
    dropped: true,
  };
}

/**
 * A trace's prompt lengths folded into the lengths calibrated before the run (synthetic prompts
 * only): a line without a length asks for `--prompt-tokens`.
 */
export function traceBuckets(plan: RunPlan, trace: ParsedTrace): LengthBuckets {
  // Lines with prefix blocks get their exact length from the blocks (see requestSpecs).
  const lengths = trace.arrivals.filter((a) => !hasBlocks(a))
    .map((a) => Math.max(1, a.inputTokens ?? plan.request.promptTokens));
  return lengthBuckets(lengths.length > 0 ? lengths : [plan.request.promptTokens]);
}

/** True when an arrival names prefix blocks (Mooncake `hash_ids`). */
export function hasBlocks(a: Arrival): boolean {
  return a.hashIds !== undefined && a.hashIds.length > 0;
}
