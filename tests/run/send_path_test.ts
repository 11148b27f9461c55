import assert from "node:assert/strict";
import { join } from "node:path";
import { createSendPath } from "../../lib/run/send_path.ts";
import { patchMeta, readMeta, writeMeta } from "../../lib/results/results_files.ts";
import { readJson } from "../../lib/fs/json_file.ts";
import type { MetaJson } from "../../lib/run/meta.ts";
import type { RequestRecord } from "../../lib/metrics/record.ts";

const record = (model: string, coldStart?: boolean): RequestRecord => ({
  index: 0,
  phase: "measure",
  requestId: "r",
  model,
  scheduledAt: 0,
  sentAt: 0,
  endAt: 1,
  tokenTimes: [],
  tokenCounts: [],
  outputTokens: 0,
  outputTokensSource: "counted",
  ...(coldStart ? { coldStart } : {}),
});

function path(records: RequestRecord[]) {
  return createSendPath({
    model: "base",
    specFor: (i) => ({
      endpoint: "chat",
      model: i % 2 ? "lora-a" : "base",
      prompt: "p",
      maxTokens: 4,
    }),
    client: { baseUrl: "http://127.0.0.1:9/v1", timeoutMs: 1000, origin: 0 },
    onSent: () => {},
    onRecord: (r) => records.push(r),
  });
}

Deno.test("records from worker threads keep only the run's first cold start per adapter", () => {
  const records: RequestRecord[] = [];
  const p = path(records);
  p.adopt(record("lora-a", true));
  p.adopt(record("lora-a", true));
  p.adopt(record("base", true));
  assert.deepEqual(records.map((r) => r.coldStart), [true, undefined, undefined]);
});

Deno.test("a dropped arrival is recorded with its spec's model, never sent", () => {
  const records: RequestRecord[] = [];
  path(records).onDrop({ index: 1, phase: "measure", scheduledAt: 5 });
  assert.equal(records.length, 1);
  assert.equal(records[0].dropped, true);
  assert.equal(records[0].model, "lora-a");
  assert.equal(records[0].sentAt, 5);
});

Deno.test("meta.json patched through patchMeta keeps its other keys and their order", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeMeta(dir, { run_id: "x", hooks: null, seed: 1 } as unknown as MetaJson);
    await patchMeta(dir, { hooks: { setup_ms: 3 } });
    const meta = await readMeta(dir);
    assert.deepEqual(Object.keys(meta), ["run_id", "hooks", "seed"]);
    assert.deepEqual(meta.hooks, { setup_ms: 3 });
    assert.equal(await readJson(join(dir, "absent.json")), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
