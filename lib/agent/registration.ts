/**
 * A registration body → `llmload run` flags. Pure: nothing here reads files or evaluates code.
 * Two shapes: `{ scenario?, args? }` (a built-in scenario name and run flags), or the seed
 * project's shape (`url`, `model`, `dataset_name`, `endpoint_type`, `dataset_config`, `kwargs`)
 * whose arrival rate is a declarative shape, never a lambda.
 */

import { redactArgv } from "../config/redact.ts";

/** What a registration turned into: flags for the run, plus the secrets they carry. */
export interface MappedRegistration {
  scenario?: string;
  /** `llmload run` flags, secrets included (kept in memory only). */
  args: string[];
  /** Secret values found in the body: redacted from everything stored or shown. */
  secrets: string[];
  name?: string;
}

/** Flags a registration may not give: the agent owns where results go, and nothing writes elsewhere. */
const FORBIDDEN_FLAGS = ["--out", "--config", "--junit", "--help", "-h"];

const SEED_KEYS = [
  "name",
  "url",
  "model",
  "target",
  "api_key",
  "dataset_name",
  "endpoint_type",
  "dataset_config",
  "kwargs",
  "requests",
  "duration",
];

/** True for a key that names a secret (api_key, hf_auth_key, hf_token, password, ...). */
export function isSecretKey(key: string): boolean {
  return /token|secret|password|passwd|(^|_|-)key$|auth/i.test(key);
}

/** Maps a parsed JSON body; every problem is listed (none → the mapped registration). */
export function mapRegistration(
  body: unknown,
): { ok: MappedRegistration } | { problems: string[] } {
  const problems: string[] = [];
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { problems: ["the body must be a JSON object"] };
  }
  const b = body as Record<string, unknown>;
  const secrets = collectSecrets(b);
  const name = typeof b.name === "string" ? b.name : undefined;
  if (b.name !== undefined && typeof b.name !== "string") problems.push("name must be a string");
  const mapped = "scenario" in b || "args" in b
    ? mapFlagsShape(b, secrets, problems)
    : { args: mapSeedShape(b, problems) };
  return problems.length ? { problems } : { ok: { ...mapped, secrets, name } };
}

/** `{ scenario?, args?, name? }`: a built-in scenario name and run flags, checked. */
function mapFlagsShape(
  b: Record<string, unknown>,
  secrets: string[],
  problems: string[],
): { scenario?: string; args: string[] } {
  for (const k of Object.keys(b)) {
    if (!["scenario", "args", "name"].includes(k)) {
      problems.push(`unknown key "${k}" (with scenario/args only name is allowed)`);
    }
  }
  let scenario: string | undefined;
  if (b.scenario !== undefined) {
    if (typeof b.scenario !== "string" || !/^[a-z0-9][a-z0-9_-]*$/i.test(b.scenario)) {
      problems.push(
        "scenario must be a built-in scenario name (see `llmload scenarios`), never a file path",
      );
    } else scenario = b.scenario;
  }
  const args: string[] = [];
  if (b.args !== undefined) {
    if (!Array.isArray(b.args) || b.args.some((a) => typeof a !== "string")) {
      problems.push('args must be an array of strings, e.g. ["--requests", "4"]');
    } else args.push(...(b.args as string[]));
  }
  forbidden(args, problems);
  // `--api-key X` given as a flag is a secret too, and so is `--tag hf_token=X`.
  args.forEach((a, i) => {
    if (a === "--api-key" && args[i + 1] !== undefined) secrets.push(args[i + 1]);
    if (a.startsWith("--api-key=")) secrets.push(a.slice("--api-key=".length));
    const tag = a.startsWith("--tag=") ? a.slice(6) : args[i - 1] === "--tag" ? a : undefined;
    const eq = tag?.indexOf("=") ?? -1;
    if (tag && eq > 0 && isSecretKey(tag.slice(0, eq)) && eq < tag.length - 1) {
      secrets.push(tag.slice(eq + 1));
    }
  });
  return { scenario, args };
}

/** The seed project's shape → run flags. */
function mapSeedShape(b: Record<string, unknown>, problems: string[]): string[] {
  for (const k of Object.keys(b)) {
    if (!SEED_KEYS.includes(k)) {
      problems.push(`unknown key "${k}" (known: ${SEED_KEYS.join(", ")})`);
    }
  }
  const args: string[] = [];
  const str = (key: string, flag: string) => {
    const v = b[key];
    if (v === undefined) return;
    if (typeof v !== "string" || v === "") problems.push(`${key} must be a non-empty string`);
    else args.push(flag, v);
  };
  if (b.url === undefined && b.target === undefined) {
    problems.push('give url (the server\'s OpenAI base URL) or target ("sim")');
  }
  str("url", "--url");
  str("target", "--target");
  str("model", "--model");
  str("api_key", "--api-key");
  if (b.dataset_name !== undefined) {
    if (typeof b.dataset_name !== "string") problems.push("dataset_name must be a string");
    // "synthesizer" (the seed's name) and "synthetic" mean llmload's synthetic prompts.
    else if (!["synthesizer", "synthetic"].includes(b.dataset_name)) {
      args.push("--dataset", b.dataset_name);
    }
  }
  if (b.endpoint_type !== undefined) {
    const e = b.endpoint_type;
    if (e === "vllm" || e === "openai" || e === "chat") args.push("--endpoint", "chat");
    else if (e === "completions") args.push("--endpoint", "completions");
    else problems.push("endpoint_type must be vllm, openai, chat or completions");
  }
  for (const key of ["requests", "duration"] as const) {
    const v = b[key];
    if (v === undefined) continue;
    if (typeof v !== "number" && typeof v !== "string") {
      problems.push(`${key} must be a number or a string`);
    } else args.push(`--${key}`, key === "duration" && typeof v === "number" ? `${v}s` : String(v));
  }
  mapDatasetConfig(b.dataset_config, args, problems);
  mapKwargs(b.kwargs, args, problems);
  return args;
}

function forbidden(args: string[], problems: string[]): void {
  for (const a of args) {
    const flag = a.split("=")[0];
    if (FORBIDDEN_FLAGS.includes(flag)) {
      problems.push(`args: ${flag} is not allowed here (the agent chooses where results go)`);
    }
  }
}

function mapDatasetConfig(dc: unknown, args: string[], problems: string[]): void {
  if (dc === undefined) return;
  if (typeof dc !== "object" || dc === null || Array.isArray(dc)) {
    problems.push("dataset_config must be an object");
    return;
  }
  const c = dc as Record<string, unknown>;
  for (const k of Object.keys(c)) {
    if (k === "func") {
      problems.push(
        'dataset_config.func is code and is never evaluated: give dataset_config.rate, e.g. {"shape": "constant", "rate": 5}',
      );
    } else if (!["random_seed", "subset", "rate", "prompt_source"].includes(k)) {
      problems.push(`dataset_config: unknown key "${k}" (known: random_seed, subset, rate)`);
    }
  }
  if (c.random_seed !== undefined) {
    if (!Number.isInteger(c.random_seed)) {
      problems.push("dataset_config.random_seed must be an integer");
    } else args.push("--seed", String(c.random_seed));
  }
  if (c.subset !== undefined) {
    const s = c.subset as Record<string, unknown>;
    if (typeof s !== "object" || s === null) {
      problems.push('dataset_config.subset must be {"take": N} or {"fraction": F}');
    } else {
      if (s.take !== undefined) args.push("--dataset-take", String(s.take));
      if (s.fraction !== undefined) args.push("--dataset-fraction", String(s.fraction));
      if (s.shuffle === true) args.push("--dataset-shuffle");
    }
  }
  if (c.rate !== undefined) mapRate(c.rate, args, problems);
}

/** The arrival rate as data: constant, steps, ramp, or piecewise points (time s, rate). */
function mapRate(rate: unknown, args: string[], problems: string[]): void {
  const r = rate as Record<string, unknown>;
  const num = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;
  if (typeof r !== "object" || r === null) {
    problems.push("dataset_config.rate must be an object with a shape");
    return;
  }
  switch (r.shape) {
    case "constant":
      if (!num(r.rate)) problems.push("dataset_config.rate.rate must be a number ≥ 0 (req/s)");
      else args.push("--rate", String(r.rate));
      return;
    case "ramp":
      if (!num(r.from) || !num(r.to) || !num(r.over_s)) {
        problems.push("dataset_config.rate (ramp) needs from, to (req/s) and over_s (seconds)");
      } else {
        args.push(
          "--rate",
          String(r.from),
          "--ramp-to",
          String(r.to),
          "--ramp-over",
          `${r.over_s}s`,
        );
      }
      return;
    case "steps": {
      const steps = r.steps as { duration_s?: unknown; rate?: unknown }[];
      if (
        !Array.isArray(steps) || steps.length === 0 ||
        steps.some((s) => !num(s?.duration_s) || !num(s?.rate))
      ) {
        problems.push(
          'dataset_config.rate (steps) needs steps: [{"duration_s": 10, "rate": 2}, ...]',
        );
      } else args.push("--rate-stages", steps.map((s) => `${s.duration_s}s@${s.rate}`).join(","));
      return;
    }
    case "piecewise": {
      // Points (t seconds, rate): each rate holds from its t to the next point's t; the last
      // point's t ends the run.
      const pts = r.points as { t?: unknown; rate?: unknown }[];
      const bad = !Array.isArray(pts) || pts.length < 2 ||
        pts.some((p) => !num(p?.t) || !num(p?.rate)) ||
        pts.some((p, i) => i > 0 && (p.t as number) <= (pts[i - 1].t as number)) ||
        pts[0].t !== 0;
      if (bad) {
        problems.push(
          'dataset_config.rate (piecewise) needs points starting at t 0 with increasing t: [{"t": 0, "rate": 2}, {"t": 10, "rate": 5}, {"t": 20, "rate": 0}]',
        );
      } else {
        const stages = pts.slice(0, -1).map((p, i) =>
          `${(pts[i + 1].t as number) - (p.t as number)}s@${p.rate}`
        );
        args.push("--rate-stages", stages.join(","));
      }
      return;
    }
    default:
      problems.push("dataset_config.rate.shape must be constant, steps, ramp or piecewise");
  }
}

function mapKwargs(kw: unknown, args: string[], problems: string[]): void {
  if (kw === undefined) return;
  if (typeof kw !== "object" || kw === null || Array.isArray(kw)) {
    problems.push("kwargs must be an object");
    return;
  }
  const flags: Record<string, string> = {
    temperature: "--temperature",
    top_p: "--top-p",
    max_tokens: "--max-tokens",
  };
  for (const [k, v] of Object.entries(kw as Record<string, unknown>)) {
    if (k in flags) args.push(flags[k], String(v));
    else if (k === "request_timeout") args.push("--timeout", `${v}s`);
    // The seed's scheduler knobs: llmload's pacing needs neither (accepted, ignored).
    else if (k === "skip_idle_min" || k === "time_step") continue;
    else if (isSecretKey(k)) continue; // e.g. hf_auth_key: kept in memory as a secret only
    else {
      problems.push(
        `kwargs: unknown key "${k}" (known: temperature, top_p, max_tokens, request_timeout, skip_idle_min, time_step)`,
      );
    }
  }
}

/** Every string value under a secret-looking key, at any depth. */
function collectSecrets(v: unknown, key = "", out: string[] = []): string[] {
  if (typeof v === "string" && isSecretKey(key) && v !== "") out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => collectSecrets(x, key, out));
  else if (typeof v === "object" && v !== null) {
    for (const [k, x] of Object.entries(v)) collectSecrets(x, k, out);
  }
  return out;
}

/** Replaces every secret value with `***` in a string. */
export function redact(text: string, secrets: readonly string[]): string {
  let t = text;
  for (const s of secrets) if (s.length > 0) t = t.split(s).join("***");
  return t;
}

/**
 * Flags as shown in the agent's answers and logs: every secret-looking value hidden as the CLI
 * hides it (lib/config/redact.ts), then the registration's own secret values wherever they occur.
 */
export function redactArgs(args: string[], secrets: string[]): string[] {
  return redactArgv(args).map((a) => redact(a, secrets));
}
