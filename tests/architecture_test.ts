import assert from "node:assert/strict";
import { join, relative } from "node:path";

/**
 * Dependencies point downward only (docs/architecture.md): cli → run → {load, client, workload,
 * metrics, telemetry, report, sim}; workload and sim share tokenizer (a pure leaf). Each folder
 * may import itself and what is listed here.
 */
const ALLOWED: Record<string, string[]> = {
  cli: [
    "agent",
    "config",
    "run",
    "report",
    "sim",
    "metrics",
    "load",
    "client",
    "workload",
    "telemetry",
  ],
  agent: ["config", "run", "report", "metrics"], // the HTTP control API; runs through run/
  run: [
    "config",
    "load",
    "client",
    "workload",
    "metrics",
    "telemetry",
    "report",
    "sim",
    "tokenizer",
  ],
  load: ["config"], // UsageError for bad shapes and traces
  client: ["metrics"],
  workload: ["load", "config", "tokenizer"], // the seeded RNG; UsageError for bad files
  metrics: [],
  telemetry: ["metrics"],
  report: ["metrics"],
  sim: ["tokenizer"], // counts prompts with a model's tokenizer.json when given one
  tokenizer: [], // Hugging Face tokenizer files -> vLLM-style counts; pure
  config: [],
};

const LIB = new URL("../lib/", import.meta.url).pathname;

function* tsFiles(dir: string): Generator<string> {
  for (const e of Deno.readDirSync(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) yield* tsFiles(p);
    else if (e.name.endsWith(".ts")) yield p;
  }
}

Deno.test("lib/ folders import only downward (load never imports client; metrics and report never import client)", () => {
  const violations: string[] = [];
  for (const file of tsFiles(LIB)) {
    const from = relative(LIB, file).split("/")[0];
    if (!(from in ALLOWED)) continue; // lib/version.ts and the like
    const text = Deno.readTextFileSync(file);
    for (const m of text.matchAll(/^\s*(?:import|export)[^"']*?from\s+["'](\.[^"']+)["']/gm)) {
      const target = relative(LIB, join(file, "..", m[1])).split("/");
      const to = target.length > 1 ? target[0] : "";
      if (to === "" || to === from || to === "..") continue;
      if (!ALLOWED[from].includes(to)) violations.push(`${relative(LIB, file)} imports ${m[1]}`);
    }
  }
  assert.deepEqual(violations, []);
});

const ROOT = new URL("../", import.meta.url).pathname;
const AGENT = join(LIB, "agent");

/** Every relative module specifier a file imports or re-exports (static or dynamic). */
function relativeImports(text: string): string[] {
  const spec = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)["'](\.[^"']*)["']/gm;
  return [...text.matchAll(spec)].map((m) => m[1]);
}

Deno.test("lib/agent/mod.ts is the agent's face: nothing outside lib/agent imports its other files", () => {
  const violations: string[] = [];
  const files = [
    join(ROOT, "main.ts"),
    ...tsFiles(LIB),
    ...tsFiles(join(ROOT, "bench")),
    ...tsFiles(join(ROOT, "tests")),
  ];
  for (const file of files) {
    // The agent's own files, and its unit tests (tests/agent/), may reach past the face.
    if (file.startsWith(AGENT + "/") || file.startsWith(join(ROOT, "tests", "agent") + "/")) {
      continue;
    }
    for (const spec of relativeImports(Deno.readTextFileSync(file))) {
      const target = join(file, "..", spec);
      if (target.startsWith(AGENT + "/") && target !== join(AGENT, "mod.ts")) {
        violations.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
  }
  assert.deepEqual(violations, []);
});
