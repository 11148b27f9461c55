import { parseFlags } from "./flag_suggestion.ts";
import type { RunPlan } from "../config/run_plan.ts";
import type { Scenario } from "../config/scenario.ts";
import { UsageError } from "../config/usage_error.ts";
import {
  loadYamlConfig,
  type Sourced,
  type YamlConfig,
  type YamlWorkload,
} from "../config/yaml_config.ts";
import { redactSecrets, RUN_OPTIONS } from "./run_args.ts";
import { scenarioPlans } from "./scenario_plans.ts";

/** What `llmload run --config DIR ...` resolved to. */
export interface ConfigRun {
  plan: RunPlan;
  quiet: boolean;
  /** Names picked from the config (undefined: not taken from it). */
  target?: string;
  workload?: string;
}

/** `llmload run` flags plus the config-mode ones. */
export const CONFIG_OPTIONS = {
  ...RUN_OPTIONS,
  config: { type: "string" },
  workload: { type: "string" },
} as const;

/** True when `llmload run` was given `--config` (config mode). */
export function hasConfigFlag(args: string[]): boolean {
  return args.some((a) => a === "--config" || a.startsWith("--config="));
}

/** `"a", "b"` for error messages; `(none)` for an empty list. */
const names = (list: Sourced<{ name: string }>[]) =>
  list.length ? list.map((e) => e.value.name).join(", ") : "(none)";

/** Seconds (number) or a duration string, as a `--duration`-style value. */
const durationFlag = (v: number | string) => typeof v === "number" ? `${v}s` : v;

/**
 * A workload as a one-point scenario, so config mode shares scenario mode's override rules:
 * `rps` is the open-loop rate and `concurrency` then the in-flight cap (like the `workloads`
 * built-in); `concurrency` alone is closed-loop users.
 */
export function workloadScenario(w: YamlWorkload): Scenario {
  return {
    name: w.name,
    description: w.description ?? "",
    load: w.rps !== undefined
      ? { rate: w.rps, maxInFlight: w.concurrency, arrival: w.arrival }
      : { concurrency: w.concurrency },
    request: { promptTokens: w.prompt_tokens, maxTokens: w.max_tokens },
    warmup: w.warmup === undefined ? undefined : { duration: durationFlag(w.warmup) },
    stop: {
      duration: w.duration === undefined ? undefined : durationFlag(w.duration),
      requests: w.requests,
    },
  };
}

/**
 * Picks `name` from `list`, or the only entry when no name is given; records a problem (listing
 * the valid names) when the name is unknown or when several entries leave the choice open.
 */
function pick<T extends { name: string }>(
  list: Sourced<T>[],
  wanted: string | undefined,
  what: { flag: string; config: string; extra?: string },
  problems: string[],
): Sourced<T> | undefined {
  const valid = `${names(list)}${what.extra ?? ""}`;
  if (wanted !== undefined) {
    const found = list.find((e) => e.value.name === wanted);
    if (!found) {
      problems.push(
        `--${what.flag} ${wanted}: no ${what.flag} of that name in --config ${what.config}; ` +
          `valid names: ${valid}`,
      );
    }
    return found;
  }
  if (list.length === 1) return list[0];
  if (list.length > 1) {
    problems.push(
      `--${what.flag} is required: --config ${what.config} has several; valid names: ${valid}`,
    );
  }
  return undefined;
}

/**
 * Turns `llmload run --config PATH [--target NAME] [--model NAME] [--workload NAME] [flags]`
 * into one validated plan. The selected target, model and workload become `llmload run` flags;
 * the user's own flags come after them and win (a whole group at a time, as for scenarios), and
 * everything is validated by the same `parseRunArgs`. The API key is read from the environment
 * variable the target names in `api_key_env`, never from the YAML. Throws one UsageError listing
 * every problem.
 */
export function configPlan(
  args: string[],
  options: { env: Record<string, string | undefined>; config?: YamlConfig },
): ConfigRun {
  const parsed = parseFlags("run", {
    args,
    options: CONFIG_OPTIONS,
    strict: true,
    allowPositionals: false,
    tokens: true,
  });
  const { values, tokens } = parsed;
  const source = values.config as string;
  const config = options.config ?? loadYamlConfig(source);
  const targetName = values.target as string | undefined;
  const sim = targetName === "sim";

  // Flags that name config entries are resolved here; every other flag passes through as given.
  const consumed = new Set(["config", "workload", "model", ...(sim ? [] : ["target"])]);
  const drop = new Set<number>();
  for (const t of tokens) {
    if (t.kind !== "option" || !consumed.has(t.name)) continue;
    drop.add(t.index);
    if (t.value !== undefined && !t.inlineValue) drop.add(t.index + 1);
  }
  const rest = args.filter((_, i) => !drop.has(i));

  const problems: string[] = [];
  const injected: string[] = [];
  const env = { ...options.env };

  // A named target is looked up even with --url (which then overrides its base_url); with
  // neither, the only target is used, and several need a --target.
  const target = sim || (targetName === undefined && values.url !== undefined)
    ? undefined
    : pick(config.targets, targetName, {
      flag: "target",
      config: source,
      extra: ' (or "sim" for the built-in simulator)',
    }, problems);
  if (target) {
    if (values.url === undefined) injected.push(`--url=${target.value.base_url}`);
    // A config target declares its own auth: the shell's OPENAI_API_KEY is not sent to it.
    delete env.OPENAI_API_KEY;
    const keyEnv = target.value.api_key_env;
    if (keyEnv !== undefined && values["api-key"] === undefined) {
      const key = options.env[keyEnv];
      if (key === undefined || key === "") {
        problems.push(
          `${target.file}: ${target.path}.api_key_env: environment variable ${keyEnv} is not ` +
            `set (export ${keyEnv}=... or pass --api-key)`,
        );
      } else env.OPENAI_API_KEY = key;
    }
  }

  const modelName = values.model as string | undefined;
  if (modelName !== undefined) {
    const model = config.models.find((m) => m.value.name === modelName);
    // Not in models.yaml: the name is sent as given (a served name or LoRA adapter).
    injected.push(`--model=${model ? model.value.full_name ?? model.value.name : modelName}`);
  }

  const workload = pick(config.workloads, values.workload as string | undefined, {
    flag: "workload",
    config: source,
  }, problems);
  if (workload && workload.value.arrival !== undefined && workload.value.rps === undefined) {
    problems.push(
      `${workload.file}: ${workload.path}.arrival: applies to open loop only: add rps`,
    );
  }
  if (problems.length) throw new UsageError(problems);

  const scenario = workload
    ? workloadScenario(workload.value)
    : { name: "config", description: "" } satisfies Scenario;
  const run = scenarioPlans(scenario, [...injected, ...rest], { env, ref: source });
  return {
    plan: { ...run.points[0].plan, commandLine: ["llmload", "run", ...redactSecrets(args)] },
    quiet: run.quiet,
    target: target?.value.name,
    workload: workload?.value.name,
  };
}
