import assert from "node:assert/strict";
import { startSim } from "../../lib/sim/mod.ts";
import { startScriptedServer } from "../helpers/scripted_server.ts";
import { runInProcess } from "../helpers/run_in_process.ts";

const runAgainst = (url: string, extra: string[]) => runInProcess(["--url", url, ...extra]);

Deno.test("runs against the simulator get exactly the asked prompt tokens in every record (drift 0)", async () => {
  const sim = await startSim({ seed: 1 });
  try {
    for (
      const [endpoint, tokens] of [
        ["chat", 1000],
        ["chat", 10000],
        ["completions", 3000],
        ["completions", 6000],
      ] as const
    ) {
      const r = await runAgainst(sim.baseUrl, [
        "--endpoint",
        endpoint,
        "--prompt-tokens",
        String(tokens),
        "--concurrency",
        "4",
        "--requests",
        "8",
        "--max-tokens",
        "4",
        "--ignore-eos",
      ]);
      assert.equal(r.meta.prompt_length_mode, "exact");
      assert.equal(r.records.length, 8);
      for (const rec of r.records) {
        assert.equal(rec.requested_prompt_tokens, tokens);
        assert.equal(rec.prompt_tokens, tokens, `${endpoint} ${tokens} #${rec.index}`);
      }
      assert.equal(r.summary.tokens.prompt_drift_pct, 0);
      assert.ok(r.lines.some((l) => l.startsWith("prompt lengths exact")));
    }
  } finally {
    await sim.close();
  }
});

Deno.test("output-length shapes give each request its seeded max_tokens, within bounds", async () => {
  const sim = await startSim({ seed: 1 });
  try {
    const args = [
      "--output-tokens",
      "uniform:3-12",
      "--ignore-eos",
      "--concurrency",
      "4",
      "--requests",
      "24",
      "--prompt-tokens",
      "64",
      "--shared-prefix-tokens",
      "32",
      "--text-source",
      "korean",
    ];
    const a = await runAgainst(sim.baseUrl, args);
    const b = await runAgainst(sim.baseUrl, args);
    const byIndex = (recs: { index: number; output_tokens: number }[]) =>
      recs.toSorted((x, y) => x.index - y.index).map((r) => r.output_tokens);
    const lens = byIndex(a.records);
    assert.ok(lens.every((n) => n >= 3 && n <= 12), lens.join());
    assert.ok(new Set(lens).size > 3, "lengths vary");
    assert.deepEqual(byIndex(b.records), lens, "same seed, same lengths");
    assert.equal(a.meta.request.output_tokens, "uniform:3-12");
    assert.equal(a.meta.request.shared_prefix_tokens, 32);
    assert.ok(a.records.every((r: { prompt_tokens: number }) => r.prompt_tokens === 64));
  } finally {
    await sim.close();
  }
});

Deno.test("a server without /tokenize falls back to estimated lengths, with one warning and mode estimate", async () => {
  const server = startScriptedServer({ defaultScript: { tokens: 2, promptTokens: 77 } });
  try {
    const r = await runAgainst(server.baseUrl, [
      "--model",
      "m",
      "--requests",
      "3",
      "--prompt-tokens",
      "80",
    ]);
    assert.equal(r.meta.prompt_length_mode, "estimate");
    // (The scripted server has no /metrics either: that is its own warning.)
    const warnings = r.lines.filter((l) => l.startsWith("warning:") && !l.includes("/metrics"));
    assert.equal(warnings.length, 1);
    assert.match(r.lines[0], /prompt lengths are estimates/);
    assert.ok(
      r.records.every((x: { requested_prompt_tokens: number }) => x.requested_prompt_tokens === 80),
    );
    assert.ok(r.summary.tokens.prompt_drift_pct < 0, "drift shows the truth");
  } finally {
    await server.close();
  }
});
