/**
 * The built-in scenarios, registered with literal static imports so a `deno compile` binary
 * embeds them (no directory reads at run time). One module per scenario, default-exporting a
 * plain object checked against `ScenarioSchema` (lib/config/scenario.ts).
 */
import type { Scenario } from "../lib/config/scenario.ts";
import smoke from "./smoke.ts";
import promptLengths from "./prompt_lengths.ts";
import concurrency from "./concurrency.ts";
import workloads from "./workloads.ts";
import multiLora from "./multi_lora.ts";
import chunkedPrefillAb from "./chunked_prefill_ab.ts";
import sharedPrefix from "./shared_prefix.ts";
import multiTurnChat from "./multi_turn_chat.ts";

/** Built-in scenarios in the order `llmload scenarios` lists them. */
export const BUILTIN_SCENARIOS: readonly Scenario[] = [
  smoke,
  promptLengths,
  concurrency,
  workloads,
  multiLora,
  chunkedPrefillAb,
  sharedPrefix,
  multiTurnChat,
];
