/**
 * What a registration may make the agent read or reach. A token holder must not be able to
 * point a test at a file of the box (`--dataset /etc/passwd` sends its lines as prompts to any
 * URL) or at an address the owner never meant (the cloud metadata service at 169.254.169.254).
 * Files must lie in the agent's own `<data-dir>/datasets/` or a directory the owner allows
 * (`--allow-dir`); targets must be loopback or match an owner's `--allow-target`. Link-local and
 * metadata addresses are refused unless an `--allow-target` names them exactly.
 */

import { isAbsolute, join, relative, resolve } from "node:path";
import type { RunPlan } from "../config/run_plan.ts";

/** What the owner allows beyond loopback targets and `<data-dir>/datasets/`. */
export interface ReadRules {
  /** Directories (absolute) files may come from. */
  dirs: string[];
  /** Host patterns: `host`, `host:port`, `*.domain`, or `*` (any but link-local/metadata). */
  targets: string[];
}

/** Every file a plan reads, with the flag that named it. */
function filesOf(plan: RunPlan): [string, string][] {
  const files: [string, string][] = [];
  if (plan.dataset) files.push(["--dataset", plan.dataset.path]);
  if (plan.load.mode === "open" && plan.load.shape?.kind === "trace") {
    files.push(["--trace", plan.load.shape.path]);
  }
  if (plan.request.tokenizer) files.push(["--tokenizer", plan.request.tokenizer]);
  const text = plan.request.textSource;
  if (text !== "english" && text !== "korean") files.push(["--text-source", text]);
  if (plan.lora?.adaptersDir) files.push(["--adapters-dir", plan.lora.adaptersDir]);
  return files;
}

/** `path` with symbolic links resolved when it exists, so a link cannot lead out. */
function realPath(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return resolve(path);
  }
}

function inside(path: string, dir: string): boolean {
  const r = relative(realPath(dir), realPath(path));
  return r === "" || (!r.startsWith("..") && !isAbsolute(r));
}

const LINK_LOCAL = /^(169\.254\.|\[?fe[89ab][0-9a-f]:)/i;
const METADATA_NAMES = ["metadata.google.internal", "metadata", "instance-data"];

function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host.startsWith("127.") || host === "[::1]" || host === "::1";
}

function matches(pattern: string, host: string, hostPort: string): boolean {
  if (pattern === "*") return true;
  if (pattern.startsWith("*.")) return host.endsWith(pattern.slice(1));
  return pattern === host || pattern === hostPort;
}

/** The problem with reaching `url`, or undefined when the rules allow it. */
function targetProblem(url: string, rules: ReadRules): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined; // the plan's own validation names a bad URL
  }
  const host = u.hostname.toLowerCase();
  const hostPort = u.port ? `${host}:${u.port}` : host;
  const sensitive = LINK_LOCAL.test(host) || METADATA_NAMES.includes(host);
  if (sensitive) {
    if (rules.targets.includes(host) || rules.targets.includes(hostPort)) return undefined;
    return `--url ${u.origin}: link-local and metadata addresses are refused unless the agent's owner names them with --allow-target ${host}`;
  }
  if (isLoopbackHost(host)) return undefined;
  if (rules.targets.some((p) => matches(p.toLowerCase(), host, hostPort))) return undefined;
  return `--url ${u.origin}: the agent only sends load to loopback and to hosts its owner allows (llmload agent --allow-target ${host})`;
}

/** Every file or target problem of `plans` under `rules` (`dataDir` absolute). */
export function readRuleProblems(
  plans: readonly RunPlan[],
  options: { dataDir: string; rules: ReadRules },
): string[] {
  const dirs = [join(options.dataDir, "datasets"), ...options.rules.dirs];
  const problems = new Set<string>();
  for (const plan of plans) {
    for (const [flag, path] of filesOf(plan)) {
      if (dirs.some((d) => inside(path, d))) continue;
      problems.add(
        `${flag} ${path}: files a registration names must be in ${dirs[0]}/ ` +
          `(or a directory the agent's owner allows with --allow-dir)`,
      );
    }
    if (!plan.target.sim) {
      const p = targetProblem(plan.target.url, options.rules);
      if (p) problems.add(p);
    }
  }
  return [...problems];
}
