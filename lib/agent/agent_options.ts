/** How `llmload agent` is set up, and what a started agent hands back. */
import type { AgentJob } from "./job.ts";
import type { ReadRules } from "./read_rules.ts";

/** How the agent is set up. */
export interface AgentOptions {
  hostname: string;
  port: number;
  dataDir: string;
  /** Bearer token; required unless the address is loopback. */
  token?: string;
  /** Tests run at once (default 1). */
  runners?: number;
  /** Finished tests kept; the oldest beyond this are pruned (default 100). */
  maxTests?: number;
  /** Registrations per minute (default 60). */
  registrationsPerMinute?: number;
  /** Largest request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /**
   * Where registrations may read files from and send load to, beyond `<data-dir>/datasets/` and
   * loopback (`--allow-dir`, `--allow-target`); default none.
   */
  readRules?: ReadRules;
  /**
   * Turns a built-in scenario name and flags into a job (one plan, or a sweep's points) with
   * the CLI's parsers; throws UsageError.
   */
  plan: (scenario: string | undefined, args: string[]) => AgentJob;
  log?: (line: string) => void;
}

/** A running agent. */
export interface Agent {
  port: number;
  /**
   * Stops listening; running tests are stopped and end as `interrupted` (with their partial
   * results), queued ones stay queued on disk for the next agent.
   */
  close(): Promise<void>;
}
