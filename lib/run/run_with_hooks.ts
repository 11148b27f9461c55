import type { RunPlan } from "../config/run_plan.ts";
import type { ScenarioHook } from "../config/scenario.ts";
import { patchMeta } from "../results/results_files.ts";
import { runBenchmark, type RunIo, type RunOutcome } from "./run_benchmark.ts";
import { type HookError, ScenarioHooks } from "./scenario_hooks.ts";

/**
 * One run wrapped in a scenario's setup and teardown hooks (see {@link ScenarioHooks}): setup
 * after the target is resolved and before anything is sent or written, teardown when the run
 * ends (also after a failure or Ctrl-C), before a `--target sim` simulator stops. Both timings go
 * into meta.json under `hooks`. A setup that throws rejects with its HookError (after teardown);
 * a teardown that throws is returned as `teardownError`, the results being complete.
 */
export async function runWithHooks(
  plan: RunPlan,
  io: RunIo,
  options: { hooks: { setup?: ScenarioHook; teardown?: ScenarioHook } },
): Promise<RunOutcome & { teardownError?: HookError }> {
  const hooks = new ScenarioHooks(options.hooks, io);
  let teardownError: HookError | undefined;
  let outcome: RunOutcome;
  try {
    outcome = await runBenchmark(plan, io, {
      beforeStart: (target) => hooks.beforeStart(target),
      afterEnd: async () => {
        teardownError = await hooks.teardown();
      },
      hooksRecord: () => hooks.record(),
    });
  } catch (e) {
    // The run's own error wins; a teardown failure on top of it is only logged.
    if (teardownError) io.log(`error: ${teardownError.message}`);
    throw e;
  }
  // meta.json was written before teardown ran: add its timing.
  await patchMeta(outcome.runDir, { hooks: hooks.record() });
  return { ...outcome, teardownError };
}
