/**
 * A registration's flags → a job, through the CLI's parsers (handed in as `plan`), refused when
 * its plans would start a command, write outside the data dir (job_guard.ts) or read or send
 * load where the read rules do not allow (read_rules.ts). Used when a test is registered (to
 * answer 400 at once) and again when it runs (with its real `--out`).
 */
import { UsageError } from "../config/usage_error.ts";
import type { AgentOptions } from "./agent_options.ts";
import { type AgentJob, jobPlans } from "./job.ts";
import { jobGuardProblems } from "./job_guard.ts";
import { readRuleProblems } from "./read_rules.ts";

/** Plans a registration and refuses what the agent must never do; throws UsageError. */
export function planJob(
  options: Pick<AgentOptions, "plan" | "dataDir" | "readRules">,
  scenario: string | undefined,
  args: string[],
): AgentJob {
  const job = options.plan(scenario, args);
  const plans = jobPlans(job);
  const problems = [
    ...jobGuardProblems(plans),
    ...readRuleProblems(plans, {
      dataDir: options.dataDir,
      rules: options.readRules ?? { dirs: [], targets: [] },
    }),
  ];
  if (problems.length) throw new UsageError(problems);
  return job;
}
