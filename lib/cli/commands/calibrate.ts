/**
 * `llmload calibrate`: how far off are llmload's own numbers on this machine? For each level,
 * a closed-loop run against the built-in simulator with its ground-truth log on (the ordinary
 * `run` path: parseRunArgs, runBenchmark, requests.jsonl), then measured − true TTFT and ITL,
 * send lateness and the client thread's CPU, and a one-line conclusion.
 */
import { join } from "node:path";
import { processEnv, resolveTransport } from "../../client/transport_choice.ts";
import {
  calibrationJson,
  type CalibrationSetup,
  renderCalibration,
} from "../../report/terminal/calibration_report.ts";
import { calibrateLevel, type CalibrationLevel } from "../../campaign/calibrate.ts";
import { type CalibrateArgs, levelRunArgs, parseCalibrateArgs } from "../calibrate_args.ts";
import type { CliIo } from "../cli_io.ts";
import { EXIT } from "../exit_codes.ts";
import { CALIBRATE_HELP } from "../help.ts";
import { parseRunArgs } from "../run_args.ts";

/** Runs `llmload calibrate`; returns the exit code (0, or 2 through a thrown UsageError). */
export async function calibrateCommand(args: string[], io: CliIo): Promise<number> {
  const a = parseCalibrateArgs(args);
  if (a === undefined) {
    io.out(CALIBRATE_HELP);
    return EXIT.ok;
  }
  const tmp = await Deno.makeTempDir({ prefix: "llmload-calibrate-" });
  const rows: CalibrationLevel[] = [];
  try {
    for (const concurrency of a.levels) {
      const truthLog = join(tmp, `truth-c${concurrency}.jsonl`);
      const { plan } = parseRunArgs(
        levelRunArgs(a, { concurrency, out: a.out ?? tmp, truthLog }),
        {},
      );
      io.err(`calibrate: c=${concurrency} for ${a.durationMs / 1000} s…\n`);
      const level = await calibrateLevel(plan, {
        log: (l) => io.err(l + "\n"),
        isTty: false,
        quiet: true,
      });
      // Kept beside the run's own files when the user asked for them.
      if (a.out !== undefined) await Deno.copyFile(truthLog, join(level.runDir, "sim_truth.jsonl"));
      rows.push(level);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
  const setup: CalibrationSetup = {
    transport: transportOf(a),
    itlMs: a.itlMs,
    ttftMs: a.ttftMs,
    durationMs: a.durationMs,
    outputTokens: a.outputTokens,
    cores: navigator.hardwareConcurrency,
    deno: Deno.version.deno,
  };
  if (a.json) io.out(JSON.stringify(calibrationJson(rows, setup), null, 2) + "\n");
  else io.out(renderCalibration(rows, setup));
  return EXIT.ok;
}

/**
 * The transport the runs used: the flag, else `llmload run`'s default, with `auto` resolved
 * the way the runs resolve it for the simulator on 127.0.0.1.
 */
function transportOf(a: CalibrateArgs): string {
  const choice = a.transport ?? parseRunArgs(["--target", "sim"], {}).plan.transport;
  return resolveTransport(choice, "http://127.0.0.1/", processEnv()).transport;
}
