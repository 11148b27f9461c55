import type { CliIo } from "../cli_io.ts";
import { demoPlans } from "../demo_plans.ts";
import { EXIT } from "../exit_codes.ts";
import { DEMO_HELP } from "../help.ts";
import { runAndReport } from "../run_and_report.ts";

/** `llmload demo`: the demo runs against the built-in simulator, one after another. */
export async function demoCommand(args: string[], io: CliIo): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.out(DEMO_HELP);
    return EXIT.ok;
  }
  const plans = demoPlans(args, io.env);
  const dirs: string[] = [];
  for (const [i, demo] of plans.entries()) {
    io.out(`\n== demo ${i + 1}/${plans.length}: ${demo.title}\n   ${demo.command}\n`);
    const code = await runAndReport(demo.plan, demo.quiet, io, { onDir: (dir) => dirs.push(dir) });
    if (code !== EXIT.ok) return code;
  }
  io.out(`\ndemo done; results in:\n${dirs.map((d) => `  ${d}\n`).join("")}`);
  return EXIT.ok;
}
