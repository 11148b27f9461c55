import assert from "node:assert/strict";
import { join, relative } from "node:path";

/**
 * Dependencies point downward only (docs/architecture.md): cli and agent → campaign → run →
 * results → {report, metrics, …} → fs. A campaign (sweep, search, server variants, LoRA
 * comparison, calibration) is many runs; a run writes one results directory; results reads one
 * back. workload and sim share tokenizer (a pure leaf). Each folder may import itself and what is
 * listed here; lib/run's subfolders (workers, probes, lora) are part of run.
 */
const ALLOWED: Record<string, string[]> = {
  cli: [
    "agent",
    "campaign",
    "config",
    "results",
    "run",
    "report",
    "sim",
    "metrics",
    "load",
    "client",
    "workload",
    "telemetry",
    "fs",
  ],
  agent: ["campaign", "config", "results", "run", "report", "metrics", "fs"], // the HTTP control API
  campaign: [
    "config",
    "results",
    "run",
    "load",
    "client",
    "workload",
    "metrics",
    "telemetry",
    "report",
    "sim",
    "fs",
  ],
  run: [
    "config",
    "results",
    "load",
    "client",
    "workload",
    "metrics",
    "telemetry",
    "report",
    "sim",
    "tokenizer",
    "fs",
  ],
  results: ["config", "metrics", "report", "telemetry", "fs"], // telemetry: meta.json's types
  load: ["config"], // UsageError for bad shapes and traces
  client: ["metrics", "tokenizer"], // the simulator's word-piece rule for estimates
  workload: ["load", "config", "tokenizer"], // the seeded RNG; UsageError for bad files
  metrics: [],
  telemetry: ["metrics"],
  report: ["metrics", "fs"],
  sim: ["tokenizer"], // counts prompts with a model's tokenizer.json when given one
  tokenizer: [], // Hugging Face tokenizer files -> vLLM-style counts; pure
  config: [],
  fs: ["config"], // atomic writes, path checks, JSON files (UsageError): no run-directory knowledge
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

/**
 * Folders entered only through their mod.ts: the two servers llmload embeds, and the dataset
 * readers and LoRA adapter sets of lib/workload.
 */
const FACES = ["agent", "sim", "workload/datasets", "workload/lora"];

Deno.test("lib/agent, lib/sim, lib/workload/datasets and lib/workload/lora are entered through their mod.ts only", () => {
  const violations: string[] = [];
  for (const file of [join(ROOT, "main.ts"), ...tsFiles(LIB)]) {
    for (const face of FACES) {
      const dir = join(LIB, face);
      if (file.startsWith(dir + "/")) continue;
      for (const spec of relativeImports(Deno.readTextFileSync(file))) {
        const target = join(file, "..", spec);
        if (target.startsWith(dir + "/") && target !== join(dir, "mod.ts")) {
          violations.push(`${relative(ROOT, file)} imports ${spec}`);
        }
      }
    }
  }
  assert.deepEqual(violations, []);
});

Deno.test("no other folder has a mod.ts: a face nothing is required to use would mislead", () => {
  const mods = [...tsFiles(LIB)].filter((f) => f.endsWith("/mod.ts")).map((f) => relative(LIB, f));
  assert.deepEqual(mods.sort(), FACES.map((f) => `${f}/mod.ts`));
});

Deno.test("tests and benches outside tests/agent use the agent through its mod.ts", () => {
  const violations: string[] = [];
  const files = [...tsFiles(join(ROOT, "bench")), ...tsFiles(join(ROOT, "tests"))];
  for (const file of files) {
    // The agent's unit tests (tests/agent/) may reach past the face.
    if (file.startsWith(join(ROOT, "tests", "agent") + "/")) continue;
    for (const spec of relativeImports(Deno.readTextFileSync(file))) {
      const target = join(file, "..", spec);
      if (target.startsWith(AGENT + "/") && target !== join(AGENT, "mod.ts")) {
        violations.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
  }
  assert.deepEqual(violations, []);
});
