import { BUILTIN_SCENARIOS } from "../../../scenarios/mod.ts";
import { expandSweep, type Scenario } from "../../config/scenario.ts";
import type { CliIo } from "../cli_io.ts";
import { EXIT } from "../exit_codes.ts";

/** `llmload scenarios`: the built-ins, one per line, with their sweep sizes. */
export function scenariosCommand(_args: string[], io: CliIo): Promise<number> {
  io.out(listScenarios());
  return Promise.resolve(EXIT.ok);
}

/** The built-in scenarios as printed by `llmload scenarios`. */
function listScenarios(): string {
  const width = Math.max(...BUILTIN_SCENARIOS.map((s) => s.name.length));
  const lines = BUILTIN_SCENARIOS.map((s) => {
    const n = s.sweep ? expandSweep(s).length : 1;
    const servers = s.server ? serverCount(s.server) : 1;
    const points = n > 1 || servers > 1
      ? ` [${n} point${n > 1 ? "s" : ""}${servers > 1 ? ` × ${servers} servers` : ""}]`
      : "";
    return `  ${s.name.padEnd(width)}  ${s.description}${points}`;
  });
  return `Built-in scenarios (llmload run NAME [flags]; flags override the scenario):\n${
    lines.join("\n")
  }\nA scenario file: llmload run ./my_scenario.ts (see docs/scenarios.md).\n`;
}

/** How many servers a scenario's `server` block starts: a linked group counts once. */
function serverCount(server: NonNullable<Scenario["server"]>): number {
  const seen = new Set<string>();
  let n = 1;
  for (const [name, values] of Object.entries(server.params ?? {})) {
    if (seen.has(name)) continue;
    for (const m of server.link?.find((l) => l.includes(name)) ?? [name]) seen.add(m);
    n *= values.length;
  }
  return n;
}
