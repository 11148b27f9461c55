import type { GatesPlan } from "../config/gates_plan.ts";
import { DEFAULT_TOLERANCE_PCT } from "../metrics/gates.ts";
import { parseGateList } from "../metrics/gate_expression.ts";
import { flagReaders, type FlagValues } from "./flag_readers.ts";

/** The verdict flags of `llmload run` (node:util parseArgs options). Help text: help.ts. */
export const GATE_OPTIONS = {
  slo: { type: "string", multiple: true },
  "fail-on": { type: "string", multiple: true },
  "no-default-gates": { type: "boolean" },
  baseline: { type: "string" },
  "baseline-tolerance": { type: "string" },
  junit: { type: "string" },
} as const;

/**
 * The `gates` section from the flags, or undefined when none is given (the run then has only
 * the default error-rate gate). Every bad expression is appended to `problems`.
 */
export function gatesSection(
  values: FlagValues,
  problems: string[],
): GatesPlan | undefined {
  if (!Object.keys(GATE_OPTIONS).some((k) => values[k] !== undefined)) return undefined;
  const r = flagReaders(values, problems);
  const list = r.list;
  for (const s of list("slo")) parseGateList(s, "--slo", problems);
  for (const s of list("fail-on")) parseGateList(s, "--fail-on", problems);
  const tol = r.str("baseline-tolerance");
  const tolerancePct =
    r.percent("baseline-tolerance", (n) => n >= 0, "a percentage ≥ 0 such as 10%") ??
      DEFAULT_TOLERANCE_PCT;
  if (tol !== undefined && values.baseline === undefined) {
    problems.push("--baseline-tolerance needs --baseline <run-dir|latest>");
  }
  const baseline = values.baseline as string | undefined;
  if (baseline !== undefined && baseline.trim() === "") {
    problems.push(`--baseline must be a run directory or "latest" (got "")`);
  }
  const junit = values.junit as string | undefined;
  if (junit !== undefined && junit.trim() === "") problems.push("--junit needs a file name");
  return {
    slo: list("slo"),
    failOn: list("fail-on"),
    defaultGates: values["no-default-gates"] !== true,
    tolerancePct,
    ...(baseline ? { baseline } : {}),
    ...(junit ? { junit } : {}),
  };
}
