import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { parseRunArgs } from "../../lib/cli/run_args.ts";

const MANIFEST = new URL("../../fixtures/k8s/llmload-indexed-job.yaml", import.meta.url);

// deno-lint-ignore no-explicit-any
type Doc = any;

async function jobs(): Promise<Doc[]> {
  const docs = parseAllDocuments(await Deno.readTextFile(MANIFEST));
  for (const d of docs) assert.deepEqual(d.errors, [], "the manifest is valid YAML");
  return docs.map((d) => d.toJS());
}

Deno.test("the example Kubernetes manifest is an Indexed Job whose --shard matches its completions", async () => {
  const [shards, merge] = await jobs();
  assert.equal(shards.kind, "Job");
  assert.equal(shards.spec.completionMode, "Indexed");
  const n = shards.spec.completions;
  assert.ok(Number.isInteger(n) && n > 1);
  assert.equal(shards.spec.parallelism, n);
  const container = shards.spec.template.spec.containers[0];
  const args: string[] = container.args;
  assert.equal(args[0], "run");
  assert.equal(args[args.indexOf("--shard") + 1], `$(JOB_COMPLETION_INDEX)/${n}`);
  assert.equal(args[args.indexOf("--start-at") + 1], "${START_AT}");
  const index = container.env.find((e: Doc) => e.name === "JOB_COMPLETION_INDEX");
  assert.match(index.valueFrom.fieldRef.fieldPath, /job-completion-index/);

  // As a pod would run it (index 3, the start time substituted): flags llmload accepts.
  const startAt = new Date(Date.now() + 120_000).toISOString();
  const podArgs = args.slice(1).map((a) =>
    a.replaceAll("$(JOB_COMPLETION_INDEX)", String(n - 1)).replaceAll("${START_AT}", startAt)
  );
  const { plan } = parseRunArgs(podArgs, {});
  assert.deepEqual(plan.shard, { index: n - 1, count: n });
  assert.equal(plan.startAtEpochMs, Date.parse(startAt));
  assert.match(plan.out, new RegExp(`/shard-${n - 1}$`));

  // The merge Job waits for the same number of shards, then merges them.
  assert.equal(merge.kind, "Job");
  const m = merge.spec.template.spec.containers[0];
  assert.equal(m.env.find((e: Doc) => e.name === "SHARDS").value, String(n));
  assert.match(m.args.join("\n"), /llmload merge \/results\/\$RUN_ID\/shard-\*\/\*\/ --out /);
});
