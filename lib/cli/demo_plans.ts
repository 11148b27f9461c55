import { parseRunArgs } from "./run_args.ts";

/**
 * The demo's two runs against the built-in simulator (~20 s together): a closed loop of 8 users,
 * then open-loop Poisson arrivals with a warm-up and an in-flight cap. Each is an ordinary
 * `llmload run` command line, so a user can copy one and change it.
 */
export const DEMO_RUNS: readonly { title: string; args: string[] }[] = [
  {
    title: "closed loop: 8 virtual users, 512-token prompts, 10 s",
    args: [
      "--target",
      "sim",
      "--concurrency",
      "8",
      "--duration",
      "10s",
      "--prompt-tokens",
      "512",
      "--max-tokens",
      "64",
    ],
  },
  {
    title: "open loop: Poisson 12 req/s, 2 s warm-up, at most 32 in flight, 8 s measured",
    args: [
      "--target",
      "sim",
      "--rate",
      "12",
      "--max-in-flight",
      "32",
      "--warmup",
      "2s",
      "--duration",
      "8s",
      "--prompt-tokens",
      "256",
      "--max-tokens",
      "64",
    ],
  },
];

/** The demo's plans, with the user's extra flags (e.g. --out) appended to each run. */
export function demoPlans(extra: string[], env: Record<string, string | undefined>) {
  return DEMO_RUNS.map((r) => ({
    title: r.title,
    command: ["llmload", "run", ...r.args].join(" "),
    ...parseRunArgs([...r.args, ...extra], env),
  }));
}
