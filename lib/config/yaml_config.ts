import { join } from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { parseDurationMs } from "./duration.ts";
import { UsageError } from "./usage_error.ts";

/**
 * YAML configs for teams that keep targets, models and workloads as data (`llmload run --config
 * configs/ --target NAME --model NAME --workload NAME`). This module reads and validates the
 * files; lib/cli/config_plans.ts turns a selection into `llmload run` flags.
 */

const name = z.string({ error: "must be a non-empty string" }).trim().min(1, {
  error: "must be a non-empty string",
});
const positiveInt = z.number({ error: "must be a whole number > 0" }).int({
  error: "must be a whole number > 0",
}).positive({ error: "must be a whole number > 0" });
/** Seconds as a number (`300`) or a duration string (`"5m"`, `"90s"`). */
const durationValue = z.custom<number | string>(
  (v) =>
    (typeof v === "number" && Number.isFinite(v) && v > 0) ||
    (typeof v === "string" && (parseDurationMs(v) ?? 0) > 0),
  { error: 'must be seconds > 0 (e.g. 300) or a duration like "30s", "5m"' },
);

/** Env var names as shells accept them: the key itself never lives in YAML. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One entry of `targets.yaml`: an OpenAI-compatible server. */
export const TargetSchema = z.strictObject({
  name,
  /** API base, e.g. http://localhost:8000/v1. */
  base_url: z.string().refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === "http:" || u.protocol === "https:";
    } catch {
      return false;
    }
  }, { error: "must be an http(s) URL such as http://localhost:8000/v1" }),
  /** NAME of the environment variable holding the bearer token. */
  api_key_env: z.string().regex(ENV_NAME, {
    error: "must be the name of an environment variable, e.g. VLLM_API_KEY",
  }).optional(),
  /**
   * Accepted only as "EMPTY" or "" (the vLLM convention for "no auth"): a real key in a file that
   * gets committed is a leak, so it must come from the environment via api_key_env.
   */
  api_key: z.string().refine((s) => s === "" || s === "EMPTY", {
    error: "must not hold a key: put the key in an environment variable and write " +
      '"api_key_env: VAR_NAME" instead (only "EMPTY" or "" are accepted here)',
  }).optional(),
  /** Extra request headers; accepted and not yet sent. */
  headers: z.record(z.string(), z.string(), { error: "must map header names to strings" })
    .optional(),
});

/** One entry of `models.yaml`: a short name and what is sent as `model`. */
export const ModelSchema = z.strictObject({
  name,
  /** Sent as `model` in requests; defaults to `name`. */
  full_name: name.optional(),
});

/** One entry of `workloads.yaml`: load, stop rule and token lengths of a run. */
export const WorkloadSchema = z.strictObject({
  name,
  description: z.string().optional(),
  /** Measured time: seconds (number) or a duration string such as "5m". */
  duration: durationValue.optional(),
  /** Measured requests (with duration: whichever comes first). */
  requests: positiveInt.optional(),
  /** Open loop: mean arrival rate, requests/s. */
  rps: z.number({ error: "must be a number > 0 (requests/s)" }).positive({
    error: "must be > 0 (requests/s)",
  }).optional(),
  /** Closed loop users; with rps, the cap on requests in flight. */
  concurrency: positiveInt.optional(),
  /** Open loop arrival process (default poisson). */
  arrival: z.enum(["constant", "poisson", "gamma"], {
    error: "must be one of constant, poisson, gamma",
  }).optional(),
  prompt_tokens: positiveInt.optional(),
  max_tokens: positiveInt.optional(),
  /** Warm-up time before measuring: seconds or a duration string. */
  warmup: durationValue.optional(),
});

const FileSchema = z.strictObject({
  targets: z.array(TargetSchema, { error: "must be a list of targets" }).optional(),
  models: z.array(ModelSchema, { error: "must be a list of models" }).optional(),
  workloads: z.array(WorkloadSchema, { error: "must be a list of workloads" }).optional(),
});

export type YamlTarget = z.infer<typeof TargetSchema>;
export type YamlModel = z.infer<typeof ModelSchema>;
export type YamlWorkload = z.infer<typeof WorkloadSchema>;

/** A config entry with where it came from, so later problems can name file and path. */
export interface Sourced<T> {
  value: T;
  /** The file as the user would write it, e.g. `configs/targets.yaml`. */
  file: string;
  /** Path inside the file, e.g. `targets[0]`. */
  path: string;
}

/** Everything read from `--config`: entries of every kind, in file order. */
export interface YamlConfig {
  /** The `--config` argument. */
  source: string;
  /** Files actually read. */
  files: string[];
  targets: Sourced<YamlTarget>[];
  models: Sourced<YamlModel>[];
  workloads: Sourced<YamlWorkload>[];
}

const KINDS = ["targets", "models", "workloads"] as const;

/** `["workloads", 1, "rps"]` → `workloads[1].rps`. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${String(p)}`)
    .join("");
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function shown(v: unknown): string {
  if (v === undefined || (typeof v === "object" && v !== null)) return "";
  return ` (got ${JSON.stringify(v)})`;
}

/**
 * Parses and validates one YAML config file's text. Pure: returns the entries found and every
 * problem as `FILE: PATH: what is expected (got VALUE)`, or `FILE:LINE:COL: YAML syntax error`.
 */
export function parseYamlConfigText(
  text: string,
  file: string,
): { config: Omit<YamlConfig, "source" | "files">; problems: string[] } {
  const config: Omit<YamlConfig, "source" | "files"> = { targets: [], models: [], workloads: [] };
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    const problems = doc.errors.map((e) => {
      const at = e.linePos?.[0];
      const where = at ? `${file}:${at.line}:${at.col}` : file;
      const message = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
      return `${where}: YAML syntax error: ${message}`;
    });
    return { config, problems };
  }
  const data = doc.toJS() ?? {};
  if (typeof data !== "object" || Array.isArray(data)) {
    return {
      config,
      problems: [`${file}: must be a mapping with top-level keys targets, models and/or workloads`],
    };
  }
  const problems: string[] = [];
  const parsed = FileSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = formatPath(issue.path);
      if (issue.code === "unrecognized_keys") {
        const allowed = path === "" ? " (expected targets, models, workloads)" : "";
        for (const key of issue.keys) {
          const at = path ? `${path}.${key}` : key;
          problems.push(`${file}: ${at}: unknown key${allowed}`);
        }
        continue;
      }
      // Never echo what was written as api_key: it may be a real secret.
      const got = issue.path.at(-1) === "api_key" ? "" : shown(valueAt(data, issue.path));
      problems.push(`${file}: ${path}: ${issue.message}${got}`);
    }
    return { config, problems };
  }
  for (const kind of KINDS) {
    const seen = new Map<string, number>();
    for (const [i, value] of (parsed.data[kind] ?? []).entries()) {
      const path = `${kind}[${i}]`;
      const first = seen.get(value.name);
      if (first !== undefined) {
        problems.push(
          `${file}: ${path}.name: must be unique (got "${value.name}", also ${kind}[${first}])`,
        );
        continue;
      }
      seen.set(value.name, i);
      (config[kind] as Sourced<typeof value>[]).push({ value, file, path });
    }
  }
  return { config, problems };
}

/**
 * Reads `--config PATH`: a directory holding any of targets.yaml, models.yaml, workloads.yaml
 * (`.yml` too), or one file with the three top-level keys. Throws one UsageError listing every
 * problem of every file.
 */
export function loadYamlConfig(source: string): YamlConfig {
  let isDir: boolean;
  try {
    isDir = Deno.statSync(source).isDirectory;
  } catch {
    throw new UsageError(
      `--config ${source}: no such file or directory (expected a directory with targets.yaml, ` +
        `models.yaml, workloads.yaml, or one YAML file)`,
    );
  }
  const files: string[] = [];
  if (isDir) {
    for (const kind of KINDS) {
      const found = [`${kind}.yaml`, `${kind}.yml`].map((f) => join(source, f)).find((f) => {
        try {
          return Deno.statSync(f).isFile;
        } catch {
          return false;
        }
      });
      if (found) files.push(found);
    }
    if (files.length === 0) {
      throw new UsageError(
        `--config ${source}: no targets.yaml, models.yaml or workloads.yaml in this directory`,
      );
    }
  } else {
    files.push(source);
  }
  const config: YamlConfig = { source, files, targets: [], models: [], workloads: [] };
  const problems: string[] = [];
  for (const file of files) {
    const result = parseYamlConfigText(Deno.readTextFileSync(file), file);
    problems.push(...result.problems);
    for (const kind of KINDS) {
      for (const entry of result.config[kind]) {
        const clash = (config[kind] as Sourced<{ name: string }>[]).find((e) =>
          e.value.name === entry.value.name
        );
        if (clash) {
          problems.push(
            `${file}: ${entry.path}.name: must be unique (got "${entry.value.name}", also ` +
              `${clash.file}: ${clash.path})`,
          );
        } else (config[kind] as Sourced<unknown>[]).push(entry);
      }
    }
  }
  if (problems.length) throw new UsageError(problems);
  return config;
}
