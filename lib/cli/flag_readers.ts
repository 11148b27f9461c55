import { parseDurationMs } from "../config/duration.ts";

/** Parsed flag values keyed by flag name (`max-loras`), as node:util parseArgs returns them. */
export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/** Reads typed values from parsed flags, appending one problem per bad value. */
export interface FlagReaders {
  /** The flag as the user typed it: `--sim-max-loras` for `max-loras` under prefix `sim-`. */
  flag(name: string): string;
  str(name: string): string | undefined;
  /** A repeatable flag's values (none: empty). */
  list(name: string): string[];
  /** A boolean flag: true only when given. */
  bool(name: string): boolean;
  /** A number passing `check`; else `<flag> must be <want> (got "<raw>")`. */
  num(name: string, check: (n: number) => boolean, want: string): number | undefined;
  /** A whole number ≥ `min`. */
  int(name: string, min: number): number | undefined;
  /** A whole number > 0. */
  posInt(name: string): number | undefined;
  /** A number with an optional trailing `%` (`90%`, `10`), passing `check`. */
  percent(name: string, check: (n: number) => boolean, want: string): number | undefined;
  /** A duration (`500ms`, `30s`, `5m`) passing `check`, or `fallback` when not given. */
  duration(
    name: string,
    check: (ms: number) => boolean,
    want: string,
    fallback?: string,
  ): number | undefined;
  /** One of `allowed`, `fallback` when not given (and after a problem). */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
}

/**
 * The readers over `values`: every `*Section`/`*Args` parser checks its flags with these, so a
 * bad value is worded the same way everywhere and every problem is listed at once. `prefix`
 * names the flags as typed (`sim-` for `llmload run --sim-*`).
 */
export function flagReaders(
  values: FlagValues,
  problems: string[],
  options: { prefix?: string } = {},
): FlagReaders {
  const flag = (name: string) => `--${options.prefix ?? ""}${name}`;
  const str = (name: string) => values[name] as string | undefined;
  const bad = (name: string, want: string, raw: string) => {
    problems.push(`${flag(name)} must be ${want} (got "${raw}")`);
    return undefined;
  };
  const num = (name: string, check: (n: number) => boolean, want: string) => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n) || !check(n)) return bad(name, want, raw);
    return n;
  };
  const int = (name: string, min: number) =>
    num(name, (n) => Number.isInteger(n) && n >= min, `a whole number ≥ ${min}`);
  return {
    flag,
    str,
    list: (name) => (values[name] as string[] | undefined) ?? [],
    bool: (name) => values[name] === true,
    num,
    int,
    posInt: (name) => num(name, (n) => Number.isInteger(n) && n > 0, "a whole number > 0"),
    percent(name, check, want) {
      const raw = str(name);
      if (raw === undefined) return undefined;
      const n = Number(raw.trim().replace(/%$/, ""));
      if (raw.trim() === "" || !Number.isFinite(n) || !check(n)) return bad(name, want, raw);
      return n;
    },
    duration(name, check, want, fallback) {
      const raw = str(name) ?? fallback;
      if (raw === undefined) return undefined;
      const ms = parseDurationMs(raw);
      if (ms === undefined || !check(ms)) return bad(name, want, raw);
      return ms;
    },
    oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
      const raw = str(name) ?? fallback;
      if (!allowed.includes(raw as T)) {
        bad(name, `one of ${allowed.join(", ")}`, raw);
        return fallback;
      }
      return raw as T;
    },
  };
}
