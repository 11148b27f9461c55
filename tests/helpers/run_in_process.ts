import { join } from "node:path";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { runBenchmark } from "../../lib/run/run_benchmark.ts";

/** A JSONL file's lines, parsed. */
export async function readJsonl(path: string) {
  return (await Deno.readTextFile(path)).trim().split("\n").map((l) => JSON.parse(l));
}

/**
 * `llmload run ARGS` in this process (quiet), into a temporary results root removed afterwards:
 * the run's records, meta.json, summary.json and the lines it logged.
 */
export async function runInProcess(args: string[]) {
  const out = await Deno.makeTempDir();
  const lines: string[] = [];
  const io = { log: (l: string) => lines.push(l), isTty: false, quiet: true };
  try {
    const { plan } = parseRunArgs(["--out", out, ...args], {});
    const outcome = await runBenchmark(plan, io);
    return {
      records: await readJsonl(join(outcome.runDir, "requests.jsonl")),
      meta: JSON.parse(await Deno.readTextFile(join(outcome.runDir, "meta.json"))),
      summary: JSON.parse(await Deno.readTextFile(join(outcome.runDir, "summary.json"))),
      lines,
    };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}
