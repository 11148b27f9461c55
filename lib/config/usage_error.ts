/**
 * A user mistake (flag, config, scenario file): every problem found, listed at once.
 * The CLI prints them and exits with code 2; nothing is started or written.
 */
export class UsageError extends Error {
  readonly problems: string[];
  constructor(problems: string[] | string) {
    const list = typeof problems === "string" ? [problems] : problems;
    super(list.join("\n"));
    this.name = "UsageError";
    this.problems = list;
  }
}
