/**
 * Server variants: one server command template (`--server-cmd`) and parameters
 * (`--server-param name=v1,v2`, optionally moved together with `--link a,b`) expand to a list of
 * concrete server configurations, each started, measured and stopped in turn. Pure: the caller
 * hands in how a command line is split into words (lib/telemetry/split_command.ts), so this
 * module stays below everything else.
 */

import { UsageError } from "./usage_error.ts";

/** Placeholders llmload fills itself; a parameter may not reuse one of these names. */
export const BUILTIN_PLACEHOLDERS = ["port", "host", "model", "llmload"] as const;

/** One swept server parameter and its values, in the order given. */
export interface ServerParam {
  name: string;
  values: string[];
}

/** One concrete server configuration. */
export interface ServerVariant {
  /** 1-based position in the matrix. */
  index: number;
  /** `chunked=on mnbt=2048`: the parameters in the order they were declared. */
  label: string;
  params: Record<string, string>;
}

/** The expanded matrix and everything needed to start each server. */
export interface ServerVariantsPlan {
  /** The command as typed, placeholders unfilled. */
  template: string;
  /** The template split into words (placeholders still in them). */
  argv: string[];
  params: ServerParam[];
  /** Parameter groups that move together (linked lists instead of the product). */
  links: string[][];
  variants: ServerVariant[];
  /** How long a server may take to answer `/health` or `/v1/models`, ms (`--ready-timeout`). */
  readyTimeoutMs: number;
  /** SIGTERM to SIGKILL, ms (`--server-grace`). */
  stopGraceMs: number;
}

/** What the user gave, from flags or a scenario's `server` block. */
export interface ServerVariantsInput {
  cmd?: string;
  /** `name=v1,v2` each. */
  params: readonly string[];
  /** `a,b` each. */
  links: readonly string[];
  readyTimeoutMs?: number;
  stopGraceMs?: number;
}

/** Default `--ready-timeout`: big models take minutes to load. */
export const DEFAULT_READY_TIMEOUT_MS = 600_000;
/** Default `--server-grace`. */
export const DEFAULT_STOP_GRACE_MS = 10_000;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLACEHOLDER = /\{([^{}\s]*)\}/g;

/**
 * Checks and expands the input into the variant matrix: the Cartesian product of the
 * parameters, first parameter varying slowest; a linked group counts as one parameter (its
 * lists must be equally long and move together), placed where its first member was declared.
 * Every problem is collected into one UsageError naming the flag and the fix.
 */
export function planServerVariants(
  input: ServerVariantsInput,
  options: {
    split: (text: string) => { argv: string[] } | { problem: string };
    /** The run's `--model`, needed when the command uses `{model}`. */
    model?: string;
  },
): ServerVariantsPlan {
  const problems: string[] = [];
  if (input.cmd === undefined) {
    if (input.params.length) {
      problems.push("--server-param needs --server-cmd (the command it fills)");
    }
    if (input.links.length) problems.push("--link needs --server-cmd and --server-param");
    throw new UsageError(problems.length ? problems : ["--server-cmd is missing"]);
  }
  let argv: string[] = [];
  const split = options.split(input.cmd);
  if ("problem" in split) {
    problems.push(`--server-cmd "${input.cmd}": ${split.problem}; quote it as one shell word`);
  } else argv = split.argv;

  const params = parseParams(input.params, problems);
  checkPlaceholders(argv, params, options.model, problems);
  const links = parseLinks(input.links, params, problems);
  const positive = (v: number | undefined, flag: string, fallback: number) => {
    if (v === undefined) return fallback;
    if (!(v > 0)) problems.push(`${flag} must be a duration > 0 such as 30s (got ${v} ms)`);
    return v;
  };
  const readyTimeoutMs = positive(
    input.readyTimeoutMs,
    "--ready-timeout",
    DEFAULT_READY_TIMEOUT_MS,
  );
  const stopGraceMs = positive(input.stopGraceMs, "--server-grace", DEFAULT_STOP_GRACE_MS);
  if (problems.length) throw new UsageError(problems);
  return {
    template: input.cmd,
    argv,
    params,
    links,
    variants: expandMatrix(params, links),
    readyTimeoutMs,
    stopGraceMs,
  };
}

/** `--server-param name=v1,v2` each, checked; the bad ones are left out with a problem. */
function parseParams(raws: readonly string[], problems: string[]): ServerParam[] {
  const params: ServerParam[] = [];
  for (const raw of raws) {
    const eq = raw.indexOf("=");
    const name = eq < 0 ? raw.trim() : raw.slice(0, eq).trim();
    const values = eq < 0 ? [] : raw.slice(eq + 1).split(",").map((v) => v.trim());
    if (eq < 0 || values.some((v) => v === "")) {
      problems.push(
        `--server-param "${raw}" must be NAME=V1,V2,... with no empty value (e.g. chunked=true,false)`,
      );
      continue;
    }
    if (!NAME.test(name)) {
      problems.push(
        `--server-param "${raw}": name "${name}" must be letters, digits and _ (e.g. mnbt)`,
      );
      continue;
    }
    if ((BUILTIN_PLACEHOLDERS as readonly string[]).includes(name)) {
      problems.push(
        `--server-param "${raw}": {${name}} is filled by llmload itself; pick another name`,
      );
      continue;
    }
    if (params.some((p) => p.name === name)) {
      problems.push(`--server-param ${name} is given twice; list all its values in one flag`);
      continue;
    }
    const dup = values.find((v, i) => values.indexOf(v) !== i);
    if (dup !== undefined) {
      problems.push(`--server-param ${name} lists "${dup}" twice; each value runs once`);
      continue;
    }
    params.push({ name, values });
  }
  return params;
}

/** The template's `{placeholders}` against the parameters and built-ins. */
function checkPlaceholders(
  argv: readonly string[],
  params: readonly ServerParam[],
  model: string | undefined,
  problems: string[],
): void {
  const used = new Set<string>();
  for (const word of argv) for (const m of word.matchAll(PLACEHOLDER)) used.add(m[1]);
  const known = new Set<string>([...BUILTIN_PLACEHOLDERS, ...params.map((p) => p.name)]);
  for (const name of used) {
    if (!known.has(name)) {
      problems.push(
        `--server-cmd uses {${name}}, which is neither a --server-param nor one of ` +
          `${BUILTIN_PLACEHOLDERS.map((b) => `{${b}}`).join(", ")}; add --server-param ${
            name || "NAME"
          }=V1,V2 or fix the name`,
      );
    }
  }
  if (argv.length > 0 && !used.has("port")) {
    problems.push(
      "--server-cmd must contain {port}: llmload gives each server a free 127.0.0.1 port and " +
        "sends the load there (e.g. vllm serve MODEL --port {port})",
    );
  }
  if (argv.some((w) => w.includes("{llmload}") && w !== "{llmload}")) {
    problems.push(
      "--server-cmd: {llmload} must be a word of its own ({llmload} sim --port {port})",
    );
  }
  if (used.has("model") && model === undefined) {
    problems.push("--server-cmd uses {model}: give --model NAME (the model the server loads)");
  }
  for (const p of params) {
    if (argv.length > 0 && !used.has(p.name)) {
      problems.push(
        `--server-param ${p.name}: {${p.name}} does not appear in --server-cmd; add it there or drop the parameter`,
      );
    }
  }
}

/** `--link a,b` each, checked against the parameters; the bad ones are left out. */
function parseLinks(
  raws: readonly string[],
  params: readonly ServerParam[],
  problems: string[],
): string[][] {
  const links: string[][] = [];
  const linked = new Map<string, string>();
  for (const raw of raws) {
    const names = raw.split(",").map((n) => n.trim()).filter(Boolean);
    if (names.length < 2 || new Set(names).size !== names.length) {
      problems.push(`--link "${raw}" must name two or more different parameters: --link a,b`);
      continue;
    }
    const bad = names.filter((n) => !params.some((p) => p.name === n));
    if (bad.length) {
      problems.push(
        `--link "${raw}": ${bad.join(", ")} ${
          bad.length > 1 ? "are" : "is"
        } not a --server-param (declared: ${params.map((p) => p.name).join(", ") || "none"})`,
      );
      continue;
    }
    const again = names.find((n) => linked.has(n));
    if (again !== undefined) {
      problems.push(
        `--link "${raw}": ${again} is already linked by --link ${
          linked.get(again)
        }; put all the linked names in one --link`,
      );
      continue;
    }
    const lengths = names.map((n) => params.find((p) => p.name === n)!.values.length);
    if (new Set(lengths).size > 1) {
      problems.push(
        `--link "${raw}": linked parameters move together, so they need as many values each ` +
          `(got ${names.map((n, i) => `${n}: ${lengths[i]}`).join(", ")})`,
      );
      continue;
    }
    for (const n of names) linked.set(n, raw);
    links.push(names);
  }
  return links;
}

/** The product of the parameter axes (a linked group is one axis), first axis slowest. */
function expandMatrix(params: readonly ServerParam[], links: readonly string[][]): ServerVariant[] {
  // Each axis is a list of assignments: one value per linked name, in step.
  const axes: Record<string, string>[][] = [];
  const done = new Set<string>();
  for (const p of params) {
    if (done.has(p.name)) continue;
    const group = links.find((l) => l.includes(p.name)) ?? [p.name];
    const members = group.map((n) => params.find((q) => q.name === n)!);
    for (const n of group) done.add(n);
    axes.push(
      p.values.map((_, i) => Object.fromEntries(members.map((m) => [m.name, m.values[i]]))),
    );
  }
  let combos: Record<string, string>[] = [{}];
  for (const axis of axes) combos = combos.flatMap((c) => axis.map((a) => ({ ...c, ...a })));
  return combos.map((c, i) => {
    // Declared order, whatever the link order.
    const ordered = Object.fromEntries(params.map((p) => [p.name, c[p.name]]));
    return {
      index: i + 1,
      label: params.map((p) => `${p.name}=${c[p.name]}`).join(" ") || "server",
      params: ordered,
    };
  });
}

/**
 * The argv of one variant: every `{name}` replaced by its value; the word `{llmload}` becomes
 * the words of `values.llmload` (the running llmload: a binary, or `deno run -A main.ts`).
 */
export function expandServerArgv(
  argv: readonly string[],
  values: Record<string, string | readonly string[]>,
): string[] {
  return argv.flatMap((word) => {
    const whole = /^\{([^{}\s]+)\}$/.exec(word);
    if (whole) {
      const v = values[whole[1]];
      if (Array.isArray(v)) return [...v];
    }
    return [
      word.replace(PLACEHOLDER, (m, name: string) => {
        const v = values[name];
        if (v === undefined) return m;
        return Array.isArray(v) ? v.join(" ") : v as string;
      }),
    ];
  });
}

/** A variant's directory name inside the sweep directory: `01-chunked=on_mnbt=2048`. */
export function variantDirName(variant: ServerVariant, count: number): string {
  const width = Math.max(2, String(count).length);
  const slug = variant.label.replace(/[^A-Za-z0-9._=+-]+/g, "_").slice(0, 80);
  return `${String(variant.index).padStart(width, "0")}-${slug}`;
}
