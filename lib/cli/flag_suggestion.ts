/**
 * Turns node:util parseArgs' errors into the message a user can act on: an unknown flag gets the
 * closest known one (`--requestz` → "did you mean --requests?"), and the pointer to the
 * command's help. Pure.
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../config/usage_error.ts";

/** Edit distance (insert, delete, substitute, swap neighbours) between two short strings. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The known flag closest to `given` (without dashes), when one is close enough to be a typo:
 * at most 2 edits and at most a third of its length, or one that `given` is a prefix of.
 */
export function closestFlag(given: string, known: readonly string[]): string | undefined {
  const name = given.replace(/^-+/, "").split("=")[0];
  let best: { flag: string; d: number } | undefined;
  for (const flag of known) {
    const d = flag.startsWith(name) && name.length >= 3 ? 0.5 : distance(name, flag);
    if (!best || d < best.d) best = { flag, d };
  }
  if (!best || best.d > Math.min(2, Math.max(1, Math.floor(name.length / 3)))) return undefined;
  return best.flag;
}

/**
 * The usage message for a parseArgs error of `llmload <command>`: parseArgs' own words, a
 * did-you-mean for an unknown option, and where the help is.
 */
export function flagErrorMessage(
  error: unknown,
  options: { command: string; known: readonly string[] },
): string {
  const message = (error as Error).message.replace(
    /\.?\s*To specify a positional argument.*$/s,
    "",
  );
  const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
  const near = unknown !== undefined ? closestFlag(unknown, options.known) : undefined;
  const hint = near ? ` (did you mean --${near}?)` : "";
  return `${message.replace(/\.$/, "")}${hint}. See \`llmload ${options.command} --help\`.`;
}

/**
 * node:util `parseArgs` for `llmload <command>`: a bad flag is a UsageError with
 * {@link flagErrorMessage}'s words (exit 2), never parseArgs' bare TypeError.
 */
export function parseFlags<T extends ParseArgsConfig>(
  command: string,
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    throw new UsageError(
      flagErrorMessage(e, { command, known: Object.keys(config.options ?? {}) }),
    );
  }
}
