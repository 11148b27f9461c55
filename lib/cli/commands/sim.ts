import { UsageError } from "../../config/usage_error.ts";
import { startSim } from "../../sim/mod.ts";
import { loadLocalTokenizer } from "../../workload/local_tokenizer.ts";
import type { CliIo } from "../cli_io.ts";
import { EXIT } from "../exit_codes.ts";
import { SIM_HELP } from "../help.ts";
import { parseSimArgs } from "../sim_args.ts";
import { onStopSignals } from "../stop_signals.ts";

/** `llmload sim`: the simulated OpenAI-compatible server, until SIGINT/SIGTERM. */
export async function simCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseSimArgs(args);
  if (parsed.help) {
    io.out(SIM_HELP);
    return EXIT.ok;
  }
  // Read before anything opens or listens: a bad tokenizer is a usage error.
  const tokenizer = parsed.tokenizer ? await loadLocalTokenizer(parsed.tokenizer) : undefined;
  const truthFile = parsed.truthLog
    ? await Deno.open(parsed.truthLog, { create: true, append: true })
    : undefined;
  const encoder = new TextEncoder();
  const crash = parsed.crash;
  const crashNow = () => {
    // A dying server prints its last words to stderr and exits non-zero, as vLLM does.
    io.err(`${crash!.message}\n`);
    truthFile?.close();
    Deno.exit(1);
  };
  if (crash?.afterRequests === 0) crashNow();
  let sim;
  try {
    sim = await startSim({
      ...parsed.options,
      onGenerationRequest: crash && ((n) => {
        if (n >= crash.afterRequests) crashNow();
      }),
      tokenizer: tokenizer?.files,
      truthLog: truthFile
        ? (entry) => truthFile.writeSync(encoder.encode(JSON.stringify(entry) + "\n"))
        : undefined,
    });
  } catch (e) {
    truthFile?.close();
    // Profile and fault validation name every bad parameter: a usage error, not a crash.
    if (e instanceof RangeError) throw new UsageError(e.message.split("\n"));
    throw e;
  }
  io.err(`llmload sim listening: ${sim.baseUrl} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    const stop = onStopSignals(() => {
      stop();
      resolve();
    });
  });
  await sim.close();
  truthFile?.close();
  return EXIT.ok;
}
