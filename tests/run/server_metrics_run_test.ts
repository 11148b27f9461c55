import assert from "node:assert/strict";
import { join } from "node:path";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { runBenchmark } from "../../lib/run/run_benchmark.ts";
import { startSim } from "../../lib/sim/mod.ts";

async function run(args: string[]) {
  const out = await Deno.makeTempDir();
  const logged: string[] = [];
  const { plan } = parseRunArgs([...args, "--out", out], {});
  const outcome = await runBenchmark(plan, {
    log: (l) => logged.push(l),
    isTty: false,
    quiet: true,
  });
  const read = (f: string) => Deno.readTextFile(join(outcome.runDir, f));
  const meta = JSON.parse(await read("meta.json"));
  const summary = JSON.parse(await read("summary.json"));
  const records = (await read("requests.jsonl")).trim().split("\n").map((l) => JSON.parse(l));
  const files = [...Deno.readDirSync(outcome.runDir)].map((e) => e.name);
  return { outcome, meta, summary, records, files, logged, read };
}

/**
 * A proxy in front of the simulator that names itself in headers and decides what `/metrics`
 * does; it logs when each scrape was open (epoch ms) and how many were open at once.
 */
async function proxiedSim(metrics: (n: number) => "pass" | "404" | { delayMs: number }) {
  const sim = await startSim({ seed: 1, ttftMs: 5, itlMs: 5 });
  const upstream = sim.baseUrl.replace(/\/v1$/, "");
  const scrapes: { from: number; to: number }[] = [];
  let open = 0;
  let maxOpen = 0;
  const now = () => performance.timeOrigin + performance.now();
  const proxy = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const naming = {
      server: "test-proxy/1.0",
      "x-powered-by": "llmload-tests",
      "set-cookie": "s=1",
    };
    const forward = async () => {
      const res = await fetch(upstream + url.pathname, {
        method: req.method,
        headers: req.headers,
        body: req.method === "POST" ? await req.text() : undefined,
      });
      const headers = new Headers(res.headers);
      for (const [k, v] of Object.entries(naming)) headers.set(k, v);
      return new Response(res.body, { status: res.status, headers });
    };
    if (url.pathname !== "/metrics") return await forward();
    const what = metrics(scrapes.length);
    const scrape = { from: now(), to: Infinity };
    scrapes.push(scrape);
    open++;
    maxOpen = Math.max(maxOpen, open);
    try {
      if (what === "404") return new Response("Not Found", { status: 404, headers: naming });
      if (what !== "pass") await new Promise((r) => setTimeout(r, what.delayMs));
      return await forward();
    } finally {
      open--;
      scrape.to = now();
    }
  });
  return {
    baseUrl: `http://127.0.0.1:${proxy.addr.port}/v1`,
    scrapes,
    maxOpen: () => maxOpen,
    async close() {
      await proxy.shutdown();
      await sim.close();
    },
  };
}

Deno.test("a run against the simulator writes server_metrics.jsonl, summary.json server_metrics and meta.json server", async () => {
  const { meta, summary, files, read, outcome } = await run([
    ...["--target", "sim", "--sim-max-num-seqs", "4", "--concurrency", "8", "--duration", "1s"],
    ...["--max-tokens", "16", "--ignore-eos", "--metrics-interval", "100ms"],
  ]);
  assert.ok(files.includes("server_metrics.jsonl"), files.join(", "));
  const lines = (await read("server_metrics.jsonl")).trim().split("\n").map((l) => JSON.parse(l));
  assert.ok(lines.length >= 5, `${lines.length} samples over ~1 s at 100 ms`);
  assert.ok(lines.every((s, i) => i === 0 || s.t_ms > lines[i - 1].t_ms), "in time order");
  assert.ok(lines.some((s) => s.num_requests_waiting > 0), "8 users on 4 seats: some wait");
  assert.ok(lines.every((s) => s.num_requests_running <= 4));

  const sm = summary.server_metrics;
  assert.equal(sm.samples, lines.length);
  assert.equal(sm.peak_running, 4);
  assert.equal(sm.peak_waiting, Math.max(...lines.map((s) => s.num_requests_waiting)));
  assert.ok(sm.peak_waiting >= 1, `peak waiting ${sm.peak_waiting}`);
  assert.ok(sm.generation_tokens_per_s > 0);
  assert.ok(sm.peak_kv_cache_usage > 0 && sm.peak_kv_cache_usage <= 1);
  assert.equal(sm.preemptions, 0);
  assert.deepEqual(outcome.serverMetrics?.peak_running, 4);

  const server = meta.server;
  assert.match(server.version, /llmload\.sim/);
  assert.deepEqual(server.models.map((m: { id: string }) => m.id), ["sim-llama-8b"]);
  assert.equal(server.models[0].max_model_len, meta.target.sim_engine.max_model_len);
  assert.equal(
    server.engine.cache_config_info.block_size,
    String(meta.target.sim_engine.block_size),
  );
  assert.equal(
    server.engine.cache_config_info.num_gpu_blocks,
    String(meta.target.sim_engine.num_gpu_blocks),
  );
  assert.equal(server.engine.lora_requests_info.max_lora, String(meta.target.sim_engine.max_loras));
  assert.deepEqual(
    { ...server.metrics, url: undefined },
    {
      url: undefined,
      available: true,
      problem: null,
      interval_ms: 100,
      file: "server_metrics.jsonl",
      samples: lines.length,
      failed_scrapes: 0,
      skipped_ticks: server.metrics.skipped_ticks,
      malformed_lines: 0,
    },
  );
});

Deno.test("a server without /metrics: one warning, the run goes on, no file, server_metrics null; meta.json still has its version, models and naming headers", async () => {
  const proxy = await proxiedSim(() => "404");
  try {
    const { meta, summary, files, logged, outcome } = await run([
      ...["--url", proxy.baseUrl, "--requests", "4", "--max-tokens", "3"],
    ]);
    assert.equal(outcome.summary.requests.ok, 4);
    const warnings = logged.filter((l) => l.includes("/metrics"));
    assert.equal(warnings.length, 1, logged.join("\n"));
    assert.match(
      warnings[0],
      /^warning: GET http:\/\/127\.0\.0\.1:\d+\/metrics answered 404; this run records no server metrics$/,
    );
    assert.equal(proxy.scrapes.length, 1, "asked once, not again during the run");
    assert.ok(!files.includes("server_metrics.jsonl"), files.join(", "));
    assert.equal(summary.server_metrics, null);
    assert.equal(outcome.serverMetrics, null);
    assert.equal(meta.server.metrics.available, false);
    assert.match(meta.server.metrics.problem, /answered 404/);
    assert.equal(meta.server.metrics.file, null);
    assert.equal(meta.server.engine, null);
    assert.match(meta.server.version, /llmload\.sim/);
    assert.equal(meta.server.models[0].id, "sim-llama-8b");
    assert.deepEqual(meta.server.headers, {
      server: "test-proxy/1.0",
      "x-powered-by": "llmload-tests",
    }, "naming headers only: no cookie");
  } finally {
    await proxy.close();
  }
});

Deno.test("--metrics off reads no /metrics at all and warns about nothing", async () => {
  const proxy = await proxiedSim(() => "pass");
  try {
    const { meta, summary, files, logged } = await run([
      ...["--url", proxy.baseUrl, "--requests", "3", "--max-tokens", "2", "--metrics", "off"],
    ]);
    assert.equal(proxy.scrapes.length, 0);
    assert.deepEqual(logged.filter((l) => l.includes("metrics")), []);
    assert.ok(!files.includes("server_metrics.jsonl"));
    assert.equal(summary.server_metrics, null);
    assert.equal(meta.server.engine, null);
    assert.equal(meta.server.metrics.problem, "disabled (--metrics off)");
    assert.equal(meta.server.models[0].max_model_len, 32768, "the rest of the record is kept");
  } finally {
    await proxy.close();
  }
});

Deno.test("a /metrics that hangs delays no request: requests are sent and finish while a scrape is open, one scrape at a time, the ticks it cost are counted", async () => {
  // The record's scrape answers; every scrape during the run takes 400 ms at a 50 ms interval.
  const proxy = await proxiedSim((n) => n === 0 ? "pass" : { delayMs: 400 });
  try {
    const { meta, records, outcome } = await run([
      ...["--url", proxy.baseUrl, "--concurrency", "2", "--duration", "1s", "--max-tokens", "4"],
      ...["--metrics-interval", "50ms"],
    ]);
    assert.equal(outcome.summary.requests.failed, 0);
    assert.equal(proxy.maxOpen(), 1, "never two scrapes at once");
    const origin = meta.time_origin_epoch_ms;
    const duringScrape = records.filter((r) =>
      proxy.scrapes.slice(1).some((s) =>
        origin + r.sent_at_ms > s.from && origin + r.end_at_ms < s.to
      )
    );
    assert.ok(
      duringScrape.length > 0,
      `requests were sent and ended inside an open scrape (${records.length} requests)`,
    );
    assert.ok(
      meta.server.metrics.skipped_ticks >= 7,
      `${meta.server.metrics.skipped_ticks} skipped`,
    );
  } finally {
    await proxy.close();
  }
});

Deno.test("a LoRA run scrapes every 250 ms by default and fills lora_timeline.jsonl from the same scrapes", async () => {
  const { meta, read } = await run([
    ...["--target", "sim", "--adapters", "a,b,c", "--sim-max-loras", "1", "--concurrency", "3"],
    ...["--requests", "9", "--max-tokens", "8", "--ignore-eos"],
  ]);
  assert.equal(meta.server.metrics.interval_ms, 250);
  const server = (await read("server_metrics.jsonl")).trim().split("\n").map((l) => JSON.parse(l));
  const timeline = (await read("lora_timeline.jsonl")).trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(
    timeline.map((t) => t.t_ms),
    server.map((s) => s.t_ms),
    "one poller: a timeline line per scrape",
  );
  assert.deepEqual(timeline.map((t) => t.running), server.map((s) => s.lora_running));
  assert.equal(meta.lora.timeline.samples, timeline.length);
});
