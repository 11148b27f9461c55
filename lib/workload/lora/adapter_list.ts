/**
 * Adapter names typed by the user (`--adapters a,b,c`, or a scenario's list): validated all at
 * once, so one message lists every bad name.
 */
import type { AdapterInfo } from "./adapter_info.ts";

/**
 * Served LoRA names llmload accepts: letters, digits and `._-/:@+`, not starting with `-` (it
 * would read as a flag) and at most 256 characters. Hub-style names (`org/sql-lora`) pass;
 * spaces and commas (the list separator) do not.
 */
const NAME = /^[A-Za-z0-9._/:@+][A-Za-z0-9._/:@+-]*$/;
const MAX_NAME = 256;

/** Why `name` is not a usable adapter name, or undefined when it is. */
export function adapterNameProblem(name: string): string | undefined {
  if (name.length === 0) return "is empty";
  if (name.length > MAX_NAME) return `is longer than ${MAX_NAME} characters`;
  if (!NAME.test(name)) {
    return "may hold only letters, digits and . _ - / : @ + (and must not start with -)";
  }
  return undefined;
}

/** Problems with a list of names: every bad name and every duplicate, each once. */
export function adapterListProblems(names: readonly string[], what = "--adapters"): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const dup = new Set<string>();
  names.forEach((name, i) => {
    const p = adapterNameProblem(name);
    if (p) problems.push(`${what}: entry ${i + 1} ${JSON.stringify(name)} ${p}`);
    else if (seen.has(name) && !dup.has(name)) {
      dup.add(name);
      problems.push(`${what}: adapter "${name}" is listed twice; list each adapter once`);
    }
    seen.add(name);
  });
  if (names.length === 0) {
    problems.push(`${what}: name at least one adapter, e.g. sql-lora,chat-lora`);
  }
  return problems;
}

/**
 * Parses a comma-separated list (`sql-lora, chat-lora`; spaces around names are dropped) into
 * adapters with source "list", or every problem found (`what` names the flag in messages).
 */
export function parseAdapterList(
  text: string,
  options: { what?: string } = {},
): { adapters: AdapterInfo[] } | { problems: string[] } {
  const names = text.trim() === "" ? [] : text.split(",").map((s) => s.trim());
  const problems = adapterListProblems(names, options.what);
  if (problems.length > 0) return { problems };
  return { adapters: names.map((name) => ({ name, source: "list" })) };
}
