/**
 * What a registration may not make the agent do, checked on the validated plans (so every
 * spelling of a flag is caught): start a command (a `--gpu-sampler` command) or write outside the
 * agent's data dir (`--prom-file`, `--junit`, `--sim-truth-log`). Pure.
 */
import type { RunPlan } from "../config/run_plan.ts";

/** Every problem of the plans a registration resolved to (none: safe to run). */
export function jobGuardProblems(plans: readonly RunPlan[]): string[] {
  const problems = new Set<string>();
  for (const plan of plans) {
    if (plan.telemetry?.gpuSampler === "command") {
      problems.add(
        "--gpu-sampler: a command is not allowed through the agent (nothing a registration says is run); give auto or off",
      );
    }
    if (plan.exports?.promFile !== undefined) {
      problems.add(
        "--prom-file is not allowed through the agent (it writes outside the agent's data dir)",
      );
    }
    if (plan.gates?.junit !== undefined) {
      problems.add(
        "--junit is not allowed through the agent (it writes outside the agent's data dir)",
      );
    }
    if (plan.gzipRecords) {
      problems.add(
        "--gzip-records is not available through the agent (its results routes serve requests.jsonl); leave it out",
      );
    }
    if (plan.target.simOptions?.truthLogFile !== undefined) {
      problems.add(
        "--sim-truth-log is not allowed through the agent (it writes outside the agent's data dir)",
      );
    }
  }
  return [...problems];
}
