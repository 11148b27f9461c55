/**
 * The shape a compiled binary sees: a user's scenario file outside llmload's tree, reached
 * through a symlink, with llmload started from another working directory. The binary can import
 * a `.ts` file only by its real on-disk path, and only when everything that file imports at run
 * time is on disk too, so these files import nothing of llmload's but types.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadScenario } from "../../lib/cli/load_scenario.ts";
import { llmload } from "../helpers/llmload_cli.ts";

const SCENARIO_TYPES = new URL("../../lib/config/scenario.ts", import.meta.url).pathname;

/** Scenario files in a temp dir (outside the repo), a symlink to that dir, and a cwd elsewhere. */
async function layout() {
  const real = await Deno.realPath(await Deno.makeTempDir({ prefix: "llmload_scen_" }));
  const other = await Deno.realPath(await Deno.makeTempDir({ prefix: "llmload_cwd_" }));
  // An unusual prompt length, so the run shows the value came through the sibling import.
  await Deno.writeTextFile(
    join(real, "shared.ts"),
    `export const request = { promptTokens: 37, maxTokens: 4 };\n`,
  );
  await Deno.writeTextFile(
    join(real, "typed.ts"),
    `import type { Scenario } from "${SCENARIO_TYPES}";
// Where a copied binary runs, llmload's source is absent: type imports must be erased unread.
import type { RunPlan as _Absent } from "/nonexistent/llmload/lib/config/run_plan.ts";
import { request } from "./shared.ts";

export default {
  name: "outside-typed",
  description: "imports a sibling at run time and llmload's types only",
  load: { concurrency: 1 },
  request,
  stop: { requests: 2 },
} satisfies Scenario;
`,
  );
  await Deno.writeTextFile(
    join(real, "broken.ts"),
    `import { request } from "./not_there.ts";\nexport default { name: "b", description: "d", request };\n`,
  );
  await Deno.symlink(real, join(other, "linked"));
  return {
    real,
    other,
    cleanup: () => Promise.all([real, other].map((d) => Deno.remove(d, { recursive: true }))),
  };
}

Deno.test("a typed scenario outside the repo, through a symlink, runs from another directory", async () => {
  const { real, other, cleanup } = await layout();
  try {
    const r = await llmload(
      ["run", "linked/typed.ts", "--target", "sim", "--quiet", "--out", "res"],
      { cwd: other },
    );
    assert.equal(r.code, 0, r.stderr);
    const runDir = r.stdout.match(/results: (.+)/)?.[1];
    assert.ok(runDir, r.stdout);
    const summary = JSON.parse(await Deno.readTextFile(join(other, runDir, "summary.json")));
    assert.equal(summary.requests.ok, 2);
    assert.equal(summary.tokens.prompt_actual_mean, 37, "the request came from ./shared.ts");
    const history = (await Deno.readTextFile(join(other, "res", "history.jsonl"))).trim();
    assert.equal(JSON.parse(history).scenario, "outside-typed");
    // Nothing was written beside the scenario: results go under the working directory.
    assert.deepEqual(
      [...Deno.readDirSync(real)].map((e) => e.name).sort(),
      ["broken.ts", "shared.ts", "typed.ts"],
    );
  } finally {
    await cleanup();
  }
});

Deno.test("a scenario whose import is missing exits 2 naming the file and the missing module", async () => {
  const { real, other, cleanup } = await layout();
  try {
    const r = await llmload(
      ["run", join(other, "linked", "broken.ts"), "--target", "sim", "--out", "res"],
      { cwd: other },
    );
    assert.equal(r.code, 2, r.stderr);
    // The path as given, the real path imported, and Deno's word on what was missing.
    assert.match(r.stderr, /Cannot load scenario ".*linked\/broken\.ts"/);
    assert.ok(r.stderr.includes(`(${join(real, "broken.ts")})`), r.stderr);
    assert.match(r.stderr, /import failed \(.*not_there\.ts/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  } finally {
    await cleanup();
  }
});

Deno.test("loadScenario imports the real path: relative data paths resolve beside the real file", async () => {
  const { real, other, cleanup } = await layout();
  try {
    await Deno.writeTextFile(
      join(real, "traced.ts"),
      `export default { name: "tr", description: "d", load: { trace: "trace.jsonl" } };\n`,
    );
    const s = await loadScenario("linked/traced.ts", { cwd: other });
    assert.equal(s.load?.trace, join(real, "trace.jsonl"));
  } finally {
    await cleanup();
  }
});
