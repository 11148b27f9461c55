/**
 * One level of `llmload calibrate`: a real `--target sim` run (the same run path, files and all)
 * with the simulator's ground-truth log on, then llmload's measurements compared with that log
 * (metrics/measurement_error.ts), plus the CPU the client's own thread used meanwhile.
 */
import { readRecordsFile, RECORDS_FILE } from "../results/records_file.ts";
import { readMeta } from "../results/results_files.ts";
import { join } from "node:path";
import type { RunPlan } from "../config/run_plan.ts";
import {
  type MeasurementError,
  measurementError,
  trustProblems,
  type TruthLine,
} from "../metrics/measurement_error.ts";
import { readCpuTime } from "../telemetry/cpu_time.ts";
import { runBenchmark, type RunIo } from "../run/run_benchmark.ts";

/** What one calibration level measured. */
export interface CalibrationLevel {
  /** Virtual users (closed loop). */
  concurrency: number;
  runDir: string;
  error: MeasurementError;
  /**
   * CPU of the client's main thread over the run, as a fraction of one core (null without
   * /proc): near 1 means the event loop that stamps every token had no time to spare.
   */
  clientCpu: number | null;
  /** CPU of the whole process (client, simulator thread, file writes), cores. */
  processCpu: number | null;
  /** Why this level is not trustworthy (empty when it is). */
  problems: string[];
}

/**
 * Runs `plan` (a closed-loop `--target sim` plan whose `--sim-truth-log` names a fresh file) and
 * compares what llmload recorded with what the simulator logged.
 */
export async function calibrateLevel(plan: RunPlan, io: RunIo): Promise<CalibrationLevel> {
  const truthFile = plan.target.simOptions?.truthLogFile;
  const concurrency = plan.load.mode === "closed" ? plan.load.concurrency : undefined;
  if (!plan.target.sim || truthFile === undefined || concurrency === undefined) {
    throw new Error("calibrateLevel needs a closed-loop --target sim plan with a truth log");
  }
  const cpu0 = readCpuTime();
  const t0 = performance.now();
  const outcome = await runBenchmark(plan, io);
  const wallS = (performance.now() - t0) / 1000;
  const cpu1 = readCpuTime();
  const meta = await readMeta(outcome.runDir);
  // Calibration runs are short: their records fit in memory (measured − true needs each one).
  const records = await readRecordsFile(join(outcome.runDir, RECORDS_FILE));
  const truth = await readTruth(truthFile);
  const error = measurementError(records, truth, {
    originEpochMs: meta.time_origin_epoch_ms,
  });
  return {
    concurrency,
    runDir: outcome.runDir,
    error,
    clientCpu: cpu0 && cpu1 ? (cpu1.mainThread - cpu0.mainThread) / wallS : null,
    processCpu: cpu0 && cpu1 ? (cpu1.process - cpu0.process) / wallS : null,
    problems: trustProblems(error),
  };
}

async function readTruth(path: string): Promise<TruthLine[]> {
  const text = await Deno.readTextFile(path);
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as TruthLine);
}
