/**
 * Why a server variant failed, from when it failed and what its log says. Pure: the caller
 * reads the log's last lines and knows the phase.
 */

/**
 * Failure kinds recorded in `variants.json` (a contract):
 * - `exited_early`: the process ended before it answered `/health` or `/v1/models`;
 * - `never_ready`: it kept running but did not answer within `--ready-timeout`;
 * - `crashed_mid_run`: it answered, then died (or stopped answering) during the load;
 * - `oom`: any of those, with an out-of-memory message in the log (CUDA OOM, no room for the
 *   KV cache): the fix is a memory setting, not a bug hunt.
 */
export type ServerFailureKind = "exited_early" | "never_ready" | "crashed_mid_run" | "oom";

/** When it went wrong. */
export type ServerPhase = "starting" | "running";

/**
 * Fatal out-of-memory messages of vLLM, PyTorch, CUDA and ROCm, and vLLM's refusals to start
 * when the KV cache does not fit. Matched per line, case-insensitively.
 */
export const OOM_PATTERNS: readonly RegExp[] = [
  /CUDA out of memory/i,
  /\bOutOfMemoryError\b/,
  /CUDA error: out of memory/i,
  /HIP out of memory/i,
  /No available memory for the cache blocks/i,
  /ValueError:.*KV cache/i,
  /\bCannot allocate memory\b/i,
];

/** The first log line that reports running out of memory, or undefined. */
export function findOomLine(lines: readonly string[]): string | undefined {
  return lines.find((l) => OOM_PATTERNS.some((p) => p.test(l)));
}

/** The failure kind: `oom` when the log says so, else what the phase implies. */
export function classifyServerFailure(
  phase: ServerPhase,
  facts: { exited: boolean; logTail: readonly string[] },
): ServerFailureKind {
  if (findOomLine(facts.logTail) !== undefined) return "oom";
  if (phase === "running") return "crashed_mid_run";
  return facts.exited ? "exited_early" : "never_ready";
}
