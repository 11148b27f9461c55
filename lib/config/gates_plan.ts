import { z } from "zod";

/**
 * What decides a run's verdict (`--slo`, `--fail-on`, `--baseline`, `--junit`): expressions as
 * given (already checked by lib/cli/gates_args.ts; lib/metrics/gate_expression.ts parses them).
 * Absent from a plan = {@link DEFAULT_GATES}: only the default error-rate gate.
 */
export const GatesPlanSchema = z.strictObject({
  /** `--slo` lists, comma-separated expressions each. */
  slo: z.array(z.string()),
  /** `--fail-on` lists, comma-separated expressions each. */
  failOn: z.array(z.string()),
  /** `--no-default-gates`: no implicit `error_rate>5%`. */
  defaultGates: z.boolean(),
  /** `--baseline`: a run directory, or `latest` (newest matching run under the results root). */
  baseline: z.string().min(1).optional(),
  /** `--baseline-tolerance`: how much worse, %, a baseline metric may get. */
  tolerancePct: z.number().nonnegative(),
  /** `--junit FILE`: JUnit XML, one test case per gate. */
  junit: z.string().min(1).optional(),
});

/** The verdict settings of a run. */
export type GatesPlan = z.infer<typeof GatesPlanSchema>;

/** No flags: the default error-rate gate only. */
export const DEFAULT_GATES: GatesPlan = {
  slo: [],
  failOn: [],
  defaultGates: true,
  tolerancePct: 10,
};
