import { parseDurationMs } from "../config/duration.ts";
import type { ScenarioServer } from "../config/scenario.ts";
import {
  planServerVariants,
  type ServerVariantsInput,
  type ServerVariantsPlan,
} from "../config/server_variants.ts";
import { UsageError } from "../config/usage_error.ts";
import { splitCommand } from "../telemetry/split_command.ts";

/** The server-variant flags of `llmload run` (parseArgs options). Help text lives in help.ts. */
export const VARIANT_OPTIONS = {
  "server-cmd": { type: "string" },
  "server-param": { type: "string", multiple: true },
  link: { type: "string", multiple: true },
  "ready-timeout": { type: "string" },
  "server-grace": { type: "string" },
  resume: { type: "string" },
} as const;

/** What the server-variant flags (and a scenario's `server` block) resolved to. */
export interface VariantsRequest {
  plan: ServerVariantsPlan;
  /** A sweep directory to continue (`--resume`). */
  resume?: string;
}

/**
 * The server variants asked for by the flags, or by the scenario's `server` block with the
 * flags applied: `--server-cmd` replaces the scenario's whole block, a `--server-param NAME=...`
 * replaces that parameter's values (so `--server-param chunked=off` narrows), `--link` adds a
 * group, and `--target sim` drops the block (the scenario then runs on the in-process
 * simulator). Undefined when nothing asks for variants; a UsageError lists every problem,
 * including flags that make no sense with `--server-cmd` (`--url`, `--target sim`).
 */
export function variantsRequest(
  given: Record<string, unknown>,
  options: { scenario?: ScenarioServer; model?: string },
): VariantsRequest | undefined {
  const str = (name: string) => given[name] as string | undefined;
  const list = (name: string) => (given[name] as string[] | undefined) ?? [];
  // `--target sim` replaces a scenario's servers as it replaces a scenario's url: the scenario
  // then runs once against the in-process simulator.
  const scenarioServer = str("target") === undefined ? options.scenario : undefined;
  const wanted = str("server-cmd") !== undefined || scenarioServer !== undefined;
  const problems: string[] = [];
  const duration = (name: string) => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    const ms = parseDurationMs(raw);
    if (ms === undefined || ms <= 0) {
      problems.push(`--${name} must be a duration like 30s or 10m (got "${raw}")`);
    }
    return ms;
  };
  const readyTimeoutMs = duration("ready-timeout");
  const stopGraceMs = duration("server-grace");
  if (!wanted) {
    for (const name of ["server-param", "link", "ready-timeout", "server-grace", "resume"]) {
      if (given[name] !== undefined) {
        problems.push(`--${name} needs --server-cmd "..." (the server started per variant)`);
      }
    }
    if (problems.length) throw new UsageError(problems);
    return undefined;
  }
  if (str("url") !== undefined) {
    problems.push(
      "--url cannot be combined with server variants: each server gets its own 127.0.0.1 port ({port})",
    );
  }
  if (str("target") !== undefined) {
    problems.push(
      "--target sim cannot be combined with server variants: put the simulator in the server " +
        "command instead ({llmload} sim --port {port} ...)",
    );
  }
  const resume = str("resume");
  if (resume !== undefined) {
    try {
      if (!Deno.statSync(resume).isDirectory) throw new Error();
    } catch {
      problems.push(
        `--resume must be the directory of an earlier server-variants sweep (no directory "${resume}")`,
      );
    }
  }
  const scenario = str("server-cmd") === undefined ? scenarioServer : undefined;
  const userParams = list("server-param");
  const userNames = new Set(userParams.map((p) => p.split("=")[0].trim()));
  const scenarioParams = Object.entries(scenario?.params ?? {})
    .filter(([name]) => !userNames.has(name))
    .map(([name, values]) => `${name}=${values.map(String).join(",")}`);
  const input: ServerVariantsInput = {
    cmd: str("server-cmd") ?? scenario?.cmd,
    params: [...scenarioParams, ...userParams],
    links: [...(scenario?.link ?? []).map((l) => l.join(",")), ...list("link")],
    readyTimeoutMs: readyTimeoutMs ??
      (scenario?.readyTimeout ? parseDurationMs(scenario.readyTimeout) : undefined),
    stopGraceMs: stopGraceMs ?? (scenario?.grace ? parseDurationMs(scenario.grace) : undefined),
  };
  let plan: ServerVariantsPlan | undefined;
  try {
    plan = planServerVariants(input, { split: splitCommand, model: options.model });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    problems.push(...e.problems);
  }
  if (problems.length) throw new UsageError(problems);
  return { plan: plan!, resume };
}
