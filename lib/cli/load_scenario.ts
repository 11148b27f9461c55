import { dirname, isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type Scenario, validateScenario } from "../config/scenario.ts";
import { UsageError } from "../config/usage_error.ts";
import { BUILTIN_SCENARIOS } from "../../scenarios/mod.ts";
import { BUILTIN_TEXT_SOURCES } from "../workload/text_sources.ts";

/** True when `ref` names a file (has a slash or a script extension) rather than a built-in. */
export function isScenarioPath(ref: string): boolean {
  return ref.includes("/") || ref.includes("\\") || /\.(ts|js|mjs|mts)$/.test(ref);
}

/** A built-in scenario by name, or undefined. */
export function builtinScenario(name: string): Scenario | undefined {
  return BUILTIN_SCENARIOS.find((s) => s.name === name);
}

/**
 * Loads a scenario: a built-in by name, or a user's file by path, imported by absolute file URL
 * (so it resolves the same from any working directory and in a compiled binary) and validated
 * with the same schema as the built-ins. Every problem is a UsageError naming the file.
 */
export async function loadScenario(ref: string, options: { cwd?: string } = {}): Promise<Scenario> {
  if (!isScenarioPath(ref)) {
    const found = builtinScenario(ref);
    if (found) return validateScenario(found, ref);
    throw new UsageError(
      `Unknown scenario "${ref}". Built-ins: ${BUILTIN_SCENARIOS.map((s) => s.name).join(", ")} ` +
        `(see \`llmload scenarios\`); a scenario file is given by path, e.g. ./my_scenario.ts`,
    );
  }
  const abs = isAbsolute(ref) ? ref : resolve(options.cwd ?? Deno.cwd(), ref);
  try {
    if (!(await Deno.stat(abs)).isFile) throw new Error("not a file");
  } catch {
    throw new UsageError(`Cannot load scenario "${ref}": no such file (${abs})`);
  }
  let mod: { default?: unknown };
  try {
    mod = await import(pathToFileURL(abs).href);
  } catch (e) {
    const why = String((e as Error).message ?? e).split("\n")[0];
    throw new UsageError(
      `Cannot load scenario "${ref}": import failed (${why}). A scenario file must be a plain ` +
        `\`export default { ... }\` object literal without imports (see docs/scenarios.md)`,
    );
  }
  if (mod.default === undefined) {
    throw new UsageError(
      `Cannot load scenario "${ref}": no default export; write \`export default { name: "...", description: "...", ... }\``,
    );
  }
  return resolveScenarioPaths(validateScenario(mod.default, ref), dirname(abs));
}

/**
 * The scenario with its relative file paths (`request.dataset.path`, a `request.textSource`
 * file, `load.trace`) made absolute against `dir`, the scenario file's directory: a scenario and
 * its data travel together and run the same from any working directory.
 */
export function resolveScenarioPaths(scenario: Scenario, dir: string): Scenario {
  const abs = (p: string) => isAbsolute(p) ? p : resolve(dir, p);
  const { request: req, load } = scenario;
  const builtinText = (BUILTIN_TEXT_SOURCES as readonly string[]).includes(req?.textSource ?? "");
  return {
    ...scenario,
    ...(req
      ? {
        request: {
          ...req,
          ...(req.dataset ? { dataset: { ...req.dataset, path: abs(req.dataset.path) } } : {}),
          ...(req.textSource && !builtinText ? { textSource: abs(req.textSource) } : {}),
        },
      }
      : {}),
    ...(load?.trace ? { load: { ...load, trace: abs(load.trace) } } : {}),
  };
}
