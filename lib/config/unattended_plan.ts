import { z } from "zod";

/**
 * How a run behaves when nobody watches it (cron, systemd timers): waiting for the server,
 * a hard wall-clock limit, and the grace given to in-flight requests when it must stop.
 */
export const UnattendedPlanSchema = z.strictObject({
  /** `--wait-ready`: poll `/health` and `/v1/models` up to this long before the run, ms. */
  waitReadyMs: z.number().positive().optional(),
  /** `--max-runtime`: the whole command (sweeps and LoRA compares included) stops after this, ms. */
  maxRuntimeMs: z.number().positive().optional(),
  /** `--grace`: after a stop, in-flight requests may finish for this long before cancelling, ms. */
  graceMs: z.number().nonnegative(),
});

/** The unattended-run settings of a plan. */
export type UnattendedPlan = z.infer<typeof UnattendedPlanSchema>;

/** Default grace for in-flight requests after SIGINT/SIGTERM/--max-runtime, ms. */
export const DEFAULT_GRACE_MS = 10_000;
