import type { CliIo } from "./cli_io.ts";
import type { Shutdown } from "./shutdown.ts";

/** Progress to stderr and the stop sequence, as every run of a command gets them. */
export function runIo(io: Pick<CliIo, "err">, quiet: boolean, shutdown: Shutdown) {
  return {
    log: (line: string) => io.err(line + "\n"),
    status: (line: string) => io.err(`\r\x1b[2K${line}`),
    isTty: Deno.stderr.isTerminal(),
    quiet,
    interrupt: shutdown.stop,
    cancel: shutdown.cancel,
    stopReason: shutdown.reason,
  };
}
