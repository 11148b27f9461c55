import { agentCommand } from "../agent_command.ts";
import type { CliIo } from "../cli_io.ts";
import { AGENT_HELP } from "../help.ts";

/** `llmload agent`: the HTTP control API (agent_command.ts). */
export function agentEntry(args: string[], io: CliIo): Promise<number> {
  return agentCommand(args, { out: io.out, err: io.err, env: io.env, help: AGENT_HELP });
}
