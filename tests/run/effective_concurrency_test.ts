import assert from "node:assert/strict";
import { runInProcess } from "../helpers/run_in_process.ts";
import { effectiveConcurrency } from "../../lib/config/run_plan.ts";
import { describeLoad } from "../../lib/report/run_facts.ts";

Deno.test("effectiveConcurrency: --requests below --concurrency caps it; open loops have none", () => {
  const closed = (concurrency: number, requests?: number) => ({
    load: { mode: "closed" as const, concurrency },
    stop: { requests },
  });
  assert.equal(effectiveConcurrency(closed(8, 4)), 4);
  assert.equal(effectiveConcurrency(closed(8, 100)), 8);
  assert.equal(effectiveConcurrency(closed(8)), 8);
  assert.equal(
    effectiveConcurrency({
      load: { mode: "open", rate: 5, arrival: "poisson", burstiness: 1, queue: false },
      stop: { requests: 2 },
    } as never),
    undefined,
  );
});

Deno.test("--concurrency 8 --requests 4 warns and records 4 effective users; the report says so", async () => {
  const args = ["--target", "sim", "--requests", "4", "--max-tokens", "4", "--gpu-sampler", "off"];
  const capped = await runInProcess([...args, "--concurrency", "8"]);
  assert.ok(
    capped.lines.some((l) => /effective concurrency is 4/.test(l)),
    capped.lines.join("\n"),
  );
  assert.equal(capped.meta.load.concurrency, 8);
  assert.equal(capped.meta.load.effective_concurrency, 4);
  assert.match(describeLoad(capped.meta), /concurrency 8 \(4 effective/);
  const fine = await runInProcess([...args, "--concurrency", "2"]);
  assert.ok(!fine.lines.some((l) => /effective concurrency/.test(l)));
  assert.equal(fine.meta.load.effective_concurrency, 2);
  assert.doesNotMatch(describeLoad(fine.meta), /effective/);
});
