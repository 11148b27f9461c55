/**
 * The engine's scheduling decision as a pure function: given the running and waiting sequences,
 * the KV cache and the adapters in memory, which sequences run in the next step, with how many
 * tokens each, who is admitted, who is preempted, and how long the step takes. No clock, no
 * randomness, no mutation: the same state always gives the same plan, so decisions can be tested
 * without real time and replayed exactly.
 *
 * The policy follows vLLM V1's scheduler, simplified:
 * 1. Running sequences first: decodes (one token each) in admission order, then sequences still
 *    prefilling (chunked prefill), each taking min(tokens left, budget left). A sequence whose
 *    new KV blocks do not fit preempts the most recently admitted running sequence not yet
 *    scheduled in this step (recompute: it returns to the front of the waiting queue with its KV
 *    freed), repeatedly, until it fits or it is itself the one preempted.
 * 2. If nobody was preempted, waiting sequences in queue order while budget, `maxNumSeqs` and
 *    KV blocks last: with chunked prefill a prompt takes what budget is left; without it a prompt
 *    that does not fit whole ends admission for this step. A sequence whose adapter would make
 *    the running set exceed `maxLoras` distinct adapters is skipped (it waits; later ones may go).
 *    Admission stops at the first one whose KV blocks do not fit (first come, first served).
 *    With prefix caching, a sequence admitted from scratch starts after its cached leading
 *    blocks ({@link SchedulerState.prefixHit}): those tokens cost neither budget nor prefill time,
 *    and only cached blocks nobody holds take free KV space.
 */

import type { EngineParams } from "./profiles.ts";

/** A sequence as the scheduler sees it. The engine owns and mutates these between steps. */
export interface SchedSeq {
  /** Unique, increasing in submission order. */
  readonly id: number;
  /** Prompt tokens the engine prefills (at least 1). */
  readonly promptTokens: number;
  /** Output tokens the sequence will emit in total (>= 1). */
  readonly outputTokens: number;
  /** LoRA adapter name; undefined for the base model. */
  readonly adapter: string | undefined;
  /** Output tokens emitted so far. */
  generated: number;
  /** Tokens whose KV is computed (prompt, then outputs); 0 again after a preemption. */
  computed: number;
  /** KV blocks held. */
  blocks: number;
}

/** What the scheduler reads; arrays are never modified by {@link planStep}. */
export interface SchedulerState {
  /** Admitted sequences, oldest admission first. */
  readonly running: readonly SchedSeq[];
  /** Sequences waiting for admission, in queue order (preempted ones first). */
  readonly waiting: readonly SchedSeq[];
  /** KV blocks in use. */
  readonly usedBlocks: number;
  /** Adapters currently loaded (no load cost to use). */
  readonly residentAdapters: ReadonlySet<string>;
  /**
   * Prefix caching: the cached leading tokens of a waiting sequence with nothing computed, and
   * how many of their blocks nobody holds (those are counted as free space until taken).
   * Absent: no cache.
   */
  readonly prefixHit?: (seq: SchedSeq) => PrefixHit;
  /** KV blocks preempting `seq` would free (shared cached blocks stay held); default its blocks. */
  readonly releasable?: (seq: SchedSeq) => number;
}

/** A prefix-cache hit as the scheduler uses it. */
export interface PrefixHit {
  /** Leading prompt tokens already in the cache (whole blocks, fewer than the sequence's tokens). */
  tokens: number;
  /** Blocks of the hit that no sequence holds now. */
  unpinnedBlocks: number;
}

/** One sequence's part in a step. */
export interface ScheduledSeq {
  seq: SchedSeq;
  /** Tokens computed for it in this step (1 for a decode, a chunk or whole prompt otherwise). */
  tokens: number;
  /** True when the step ends with a new output token for it (its prefill completes or it decodes). */
  emits: boolean;
  /** True for a plain decode (one token on top of a computed context). */
  decode: boolean;
  /** KV blocks it must gain for this step (cache hits included). */
  newBlocks: number;
  /** Leading tokens taken from the prefix cache on admission (no prefill cost); else 0. */
  cachedTokens: number;
}

/** The plan of one step, to be applied by the engine. */
export interface StepPlan {
  /** Sequences computed in the step: running ones (decodes, then prefills), then admitted ones. */
  scheduled: ScheduledSeq[];
  /** Waiting sequences moved into the running set by this step, in admission order. */
  admitted: SchedSeq[];
  /** Running sequences preempted (KV freed, back to the front of the queue), in that order. */
  preempted: SchedSeq[];
  /** Adapters that must be loaded before the step runs (each costs `loraLoadMs`). */
  loraLoads: string[];
  /** Distinct adapters used by the step, in first-use order. */
  adapters: string[];
  /** Prompt (and recompute) tokens in the step. */
  prefillTokens: number;
  /** Sequences decoding one token. */
  decodeSeqs: number;
  /** Context tokens the decoding sequences attend over (sum of their computed tokens + 1). */
  decodeContextTokens: number;
  /** Modelled step time before jitter, ms ({@link stepDurationMs}). */
  durationMs: number;
}

/** The cost model: how long a step of this shape takes, ms (see {@link EngineParams}). */
export function stepDurationMs(
  shape: Pick<StepPlan, "prefillTokens" | "decodeSeqs" | "decodeContextTokens" | "loraLoads">,
  params: EngineParams,
): number {
  const b = shape.decodeSeqs;
  return params.stepOverheadMs +
    params.prefillMsPerToken * shape.prefillTokens +
    (b > 0 ? params.decodeMsPerSeq * b + params.decodeMsPerSeqSquared * b * b : 0) +
    params.kvReadMsPer1kTokens * shape.decodeContextTokens / 1000 +
    params.loraLoadMs * shape.loraLoads.length;
}

/** Tokens a sequence still has to compute before it can emit its next output token. */
export function tokensToCompute(seq: SchedSeq): number {
  return seq.promptTokens + seq.generated - seq.computed;
}

/** The token budget of a step: without chunked prefill, vLLM needs room for a whole prompt. */
export function stepBudget(params: EngineParams): number {
  return params.chunkedPrefill
    ? params.maxNumBatchedTokens
    : Math.max(params.maxNumBatchedTokens, params.maxModelLen);
}

/** Decides the next step. Pure: reads `state`, returns a plan; an empty plan means idle. */
export function planStep(state: SchedulerState, params: EngineParams): StepPlan {
  const bs = params.blockSize;
  let budget = stepBudget(params);
  let free = params.numGpuBlocks - state.usedBlocks;
  const scheduled: ScheduledSeq[] = [];
  const preempted: SchedSeq[] = [];
  const gone = new Set<SchedSeq>(); // scheduled or preempted: never a victim
  const blocksFor = (seq: SchedSeq, tokens: number) =>
    Math.max(0, Math.ceil((seq.computed + tokens) / bs) - seq.blocks);

  // 1. Running: decodes before unfinished prefills, so chunked prefill never stalls decodes.
  const order = [
    ...state.running.filter((s) => s.computed >= s.promptTokens + s.generated - 1),
    ...state.running.filter((s) => s.computed < s.promptTokens + s.generated - 1),
  ];
  let victimCursor = state.running.length - 1;
  for (const seq of order) {
    if (budget <= 0) break;
    if (gone.has(seq)) continue; // preempted as a victim earlier in this loop
    const tokens = Math.min(tokensToCompute(seq), budget);
    const need = blocksFor(seq, tokens);
    let self = false;
    while (need > free) {
      // The most recently admitted running sequence that is not already in this step.
      while (victimCursor >= 0 && gone.has(state.running[victimCursor])) victimCursor--;
      const victim = state.running[victimCursor];
      gone.add(victim);
      preempted.push(victim);
      free += state.releasable?.(victim) ?? victim.blocks;
      if (victim === seq) {
        self = true;
        break;
      }
    }
    if (self) break; // vLLM stops scheduling running requests here
    gone.add(seq);
    free -= need;
    budget -= tokens;
    scheduled.push(entry(seq, tokens, need, 0));
  }

  // 2. Waiting, only when nobody had to be preempted (as vLLM V1).
  const admitted: SchedSeq[] = [];
  if (preempted.length === 0) {
    const loras = new Set<string>();
    for (const s of state.running) if (s.adapter !== undefined) loras.add(s.adapter);
    let seqs = state.running.length;
    for (const seq of state.waiting) {
      if (budget <= 0 || seqs >= params.maxNumSeqs) break;
      const a = seq.adapter;
      if (a !== undefined && !loras.has(a) && loras.size >= params.maxLoras) continue;
      const hit = seq.computed === 0 ? state.prefixHit?.(seq) : undefined;
      const cached = hit?.tokens ?? 0;
      const left = tokensToCompute(seq) - cached;
      if (!params.chunkedPrefill && left > budget) break;
      const tokens = Math.min(left, budget);
      const need = blocksFor(seq, cached + tokens);
      // Hit blocks someone holds are shared: only new blocks and unheld hits take free space.
      const taken = need - cached / bs + (hit?.unpinnedBlocks ?? 0);
      if (taken > free) break;
      free -= taken;
      budget -= tokens;
      seqs++;
      if (a !== undefined) loras.add(a);
      admitted.push(seq);
      scheduled.push(entry(seq, tokens, need, cached));
    }
  }

  let prefillTokens = 0;
  let decodeSeqs = 0;
  let decodeContextTokens = 0;
  const adapters: string[] = [];
  for (const s of scheduled) {
    if (s.decode) {
      decodeSeqs++;
      decodeContextTokens += s.seq.computed + 1;
    } else prefillTokens += s.tokens;
    const a = s.seq.adapter;
    if (a !== undefined && !adapters.includes(a)) adapters.push(a);
  }
  const loraLoads = adapters.filter((a) => !state.residentAdapters.has(a));
  const shape = { prefillTokens, decodeSeqs, decodeContextTokens, loraLoads };
  return {
    scheduled,
    admitted,
    preempted,
    adapters,
    ...shape,
    durationMs: scheduled.length ? stepDurationMs(shape, params) : 0,
  };
}

function entry(
  seq: SchedSeq,
  tokens: number,
  newBlocks: number,
  cachedTokens: number,
): ScheduledSeq {
  const computed = seq.computed + cachedTokens;
  const emits = computed + tokens >= seq.promptTokens + seq.generated;
  const decode = tokens === 1 && seq.generated > 0 && computed >= seq.promptTokens;
  return { seq, tokens, emits, decode, newBlocks, cachedTokens };
}
