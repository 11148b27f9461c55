import { dirname } from "node:path";
import type { RunPlan } from "../config/run_plan.ts";

/** The monitoring-export flags of `llmload run` (node:util parseArgs options). */
export const EXPORT_OPTIONS = {
  "prom-file": { type: "string" },
  pushgateway: { type: "string" },
} as const;

/**
 * The plan's `exports` from `--prom-file` and `--pushgateway`, or undefined when neither is
 * given. Checked before anything runs, every problem appended to `problems`: the file must end
 * in `.prom` (node_exporter's textfile collector reads nothing else) in an existing directory
 * (the temporary file is written there, then renamed); the Pushgateway must be an http(s) URL.
 */
export function exportsSection(
  values: Record<string, string | boolean | string[] | undefined>,
  problems: string[],
): RunPlan["exports"] {
  const promFile = values["prom-file"] as string | undefined;
  const pushgateway = values.pushgateway as string | undefined;
  if (promFile === undefined && pushgateway === undefined) return undefined;
  if (promFile !== undefined) {
    if (!promFile.endsWith(".prom")) {
      problems.push(
        `--prom-file must end in .prom, the only files node_exporter's textfile collector reads (got "${promFile}")`,
      );
    }
    let dirOk = false;
    try {
      dirOk = Deno.statSync(dirname(promFile)).isDirectory;
    } catch {
      // reported below
    }
    if (!dirOk) {
      problems.push(
        `--prom-file must be in an existing directory, e.g. the collector's --collector.textfile.directory (no directory "${
          dirname(promFile)
        }")`,
      );
    }
  }
  if (pushgateway !== undefined) {
    let ok = false;
    try {
      const u = new URL(pushgateway);
      ok = u.protocol === "http:" || u.protocol === "https:";
    } catch {
      // reported below
    }
    if (!ok) {
      problems.push(
        `--pushgateway must be the Pushgateway's http(s) URL such as http://127.0.0.1:9091 (got "${pushgateway}")`,
      );
    }
  }
  return {
    ...(promFile !== undefined ? { promFile } : {}),
    ...(pushgateway !== undefined ? { pushgateway } : {}),
  };
}
