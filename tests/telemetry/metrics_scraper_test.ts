import assert from "node:assert/strict";
import { metricsUrl, nextTick, startMetricsScraper } from "../../lib/telemetry/metrics_scraper.ts";
import type { ServerMetricsSample } from "../../lib/metrics/telemetry_samples.ts";
import { startSim } from "../../lib/sim/mod.ts";

Deno.test("nextTick: the first tick still ahead, and the due ticks skipped on the way", () => {
  const cases: [number, number, number, { tick: number; skipped: number }][] = [
    // elapsed ms when the scrape ended, interval, the tick it served → next
    [10, 100, 0, { tick: 1, skipped: 0 }], // quick scrape: the next tick
    [99.9, 100, 0, { tick: 1, skipped: 0 }],
    [100, 100, 0, { tick: 2, skipped: 1 }], // ended exactly on tick 1: tick 1 is gone
    [350, 100, 1, { tick: 4, skipped: 2 }], // ticks 2 and 3 passed while it ran
    [5, 100, 3, { tick: 4, skipped: 0 }], // a timer that fired early never repeats a tick
  ];
  for (const [elapsed, intervalMs, last, want] of cases) {
    assert.deepEqual(
      nextTick(elapsed, { intervalMs, last }),
      want,
      `${elapsed} ms after tick ${last}`,
    );
  }
});

Deno.test("metricsUrl is the server root's /metrics, with or without /v1", () => {
  assert.equal(metricsUrl("http://127.0.0.1:8000/v1"), "http://127.0.0.1:8000/metrics");
  assert.equal(metricsUrl("http://127.0.0.1:8000/v1/"), "http://127.0.0.1:8000/metrics");
  assert.equal(metricsUrl("http://h:1/proxy"), "http://h:1/proxy/metrics");
});

Deno.test("the scraper reads the simulator's /metrics over HTTP into samples on the run's clock, handed over as they come", async () => {
  const sim = await startSim({ seed: 1, ttftMs: 2, itlMs: 2 });
  try {
    const origin = performance.now();
    const seen: ServerMetricsSample[] = [];
    const scraper = startMetricsScraper(sim.baseUrl, {
      origin,
      intervalMs: 50,
      onSample: (s) => seen.push(s),
    });
    // Requests while scraping: the counters must move.
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${sim.baseUrl}/completions`, {
        method: "POST",
        body: JSON.stringify({ model: "sim-llama-8b", prompt: "hello there", max_tokens: 5 }),
      });
      await res.text();
    }
    while (seen.length < 3) await new Promise((r) => setTimeout(r, 20));
    const stats = await scraper.stop();
    assert.equal(stats.samples, seen.length, "every sample was handed over");
    assert.equal(stats.failed, 0);
    assert.equal(stats.malformedLines, 0);
    assert.ok(seen.every((s, i) => i === 0 || s.tMs > seen[i - 1].tMs), "in time order");
    assert.ok(seen.every((s) => s.tMs >= 0), "ms from the origin");
    const last = seen.at(-1)!;
    assert.equal(last.generationTokensTotal, 15, "the closing scrape saw all 3 × 5 tokens");
    assert.equal(last.numRequestsRunning, 0);
    assert.equal(last.maxLora !== null, true, "the simulator exposes vllm:lora_requests_info");
  } finally {
    await sim.close();
  }
});

/** A /metrics that answers after `delayMs`, counting how many scrapes are open at once. */
function slowMetricsServer(page: () => string, delayMs: number) {
  let open = 0;
  let maxOpen = 0;
  let hits = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    if (new URL(req.url).pathname !== "/metrics") return new Response("nope", { status: 404 });
    hits++;
    open++;
    maxOpen = Math.max(maxOpen, open);
    try {
      await new Promise((r) => setTimeout(r, delayMs));
      return new Response(page());
    } finally {
      open--;
    }
  });
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}/v1`,
    stats: () => ({ maxOpen, hits }),
    close: () => server.shutdown(),
  };
}

Deno.test("a scrape slower than the interval skips ticks and counts them; never two scrapes at once", async () => {
  const server = slowMetricsServer(() => 'vllm:num_requests_running{engine="0"} 1.0\n', 120);
  try {
    const scraper = startMetricsScraper(server.baseUrl, {
      origin: performance.now(),
      intervalMs: 20,
      onSample: () => {},
    });
    await new Promise((r) => setTimeout(r, 400));
    const stats = await scraper.stop();
    assert.equal(server.stats().maxOpen, 1, "one scrape in flight at a time");
    assert.ok(stats.samples >= 1, `${stats.samples} samples`);
    // Each scrape takes ≥ 120 ms at a 20 ms interval: at least 5 ticks pass during each one.
    assert.ok(stats.skippedTicks >= 5 * stats.samples - 5, `${stats.skippedTicks} skipped`);
    assert.ok(server.stats().hits <= stats.samples + 2, "no burst to catch up");
  } finally {
    await server.close();
  }
});

Deno.test("a server without /metrics (404) or with a page that is not vLLM's gives no samples, only failed scrapes", async () => {
  for (const page of [null, "<html>hello</html>\n", "tgi_queue_size 1\n"]) {
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () => page === null ? new Response("Not Found", { status: 404 }) : new Response(page),
    );
    try {
      const seen: ServerMetricsSample[] = [];
      const scraper = startMetricsScraper(`http://127.0.0.1:${server.addr.port}/v1`, {
        origin: performance.now(),
        intervalMs: 20,
        onSample: (s) => seen.push(s),
      });
      await new Promise((r) => setTimeout(r, 80));
      const stats = await scraper.stop();
      assert.equal(seen.length, 0, String(page));
      assert.equal(stats.samples, 0);
      assert.ok(stats.failed >= 2, `${stats.failed} failed (${page})`);
    } finally {
      await server.shutdown();
    }
  }
});
