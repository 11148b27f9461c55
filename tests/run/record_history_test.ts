import assert from "node:assert/strict";
import { join } from "node:path";
import type { HistoryRecord } from "../../lib/metrics/run_history.ts";
import {
  appendHistory,
  exportProm,
  HISTORY_FILE,
  HISTORY_HTML_FILE,
  readHistory,
  recordRunHistory,
} from "../../lib/results/record_history.ts";
import { pushgatewayUrl } from "../../lib/results/pushgateway.ts";
import { parsePromText } from "../../lib/telemetry/prom_text.ts";
import { startRawHttpServer } from "../helpers/raw_http_server.ts";
import { writeSyntheticRun } from "../helpers/synthetic_run.ts";
import { externalReferences } from "../helpers/html_checks.ts";

const RUN = {
  requests: 6,
  intervalMs: 100,
  ttftMs: 40,
  itlMs: 5,
  outputTokens: 8,
  promptTokens: 32,
};

Deno.test("two runs append two history lines; verdict.json is read when the run has one", async () => {
  const root = await Deno.makeTempDir();
  try {
    const a = await writeSyntheticRun(root, { ...RUN, runId: "20260101-000000-aaaa" });
    const b = await writeSyntheticRun(root, {
      ...RUN,
      runId: "20260102-000000-bbbb",
      ttftMs: 80,
      failing: [0],
      meta: { started_at: "2026-01-02T00:00:00.000Z" },
    });
    await Deno.writeTextFile(
      join(b, "verdict.json"),
      JSON.stringify({ verdict: "fail", exit_code: 3, reasons: ["ttft.p99 85 ms > 50 ms"] }),
    );
    const logs: string[] = [];
    const plan = { out: root, scenario: "nightly" };
    await recordRunHistory(a, plan, (l) => logs.push(l));
    await recordRunHistory(b, plan, (l) => logs.push(l));
    assert.deepEqual(logs, []);
    const lines = (await Deno.readTextFile(join(root, HISTORY_FILE))).trimEnd().split("\n");
    assert.equal(lines.length, 2);
    const [ra, rb] = lines.map((l) => JSON.parse(l) as HistoryRecord);
    assert.equal(ra.run_dir, "20260101-000000-aaaa"); // relative to the results root
    assert.equal(ra.scenario, "nightly");
    assert.equal(ra.verdict, null);
    assert.equal(rb.verdict, "fail");
    assert.deepEqual(rb.verdict_reasons, ["ttft.p99 85 ms > 50 ms"]);
    assert.equal(rb.requests_failed, 1);
    assert.ok(rb.ttft_p50_ms! > ra.ttft_p50_ms!);
    // history.html is rewritten after every run, and stays self-contained.
    const html = await Deno.readTextFile(join(root, HISTORY_HTML_FILE));
    assert.match(html, /2 runs, 1 series; 1 failed their gates/);
    assert.deepEqual(externalReferences(html), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/** A record big enough that a torn write would show (long reasons). */
function bigRecord(tag: string, i: number): HistoryRecord {
  return {
    v: 1,
    time: `2026-01-01T00:00:${String(i % 60).padStart(2, "0")}.000Z`,
    ended_at: null,
    scenario: tag,
    target: "sim",
    url: "",
    model: "m",
    run_id: `${tag}-${i}`,
    run_dir: `${tag}-${i}`,
    parent: null,
    interrupted: false,
    requests_total: i,
    requests_ok: i,
    requests_failed: 0,
    requests_dropped: 0,
    error_rate_pct: 0,
    ttft_p50_ms: 1,
    ttft_p99_ms: 2,
    tpot_p50_ms: 1,
    tpot_p99_ms: 2,
    e2e_p50_ms: 1,
    e2e_p99_ms: 2,
    requests_per_s: 1,
    output_tokens_per_s: 1,
    goodput_rps: null,
    slo_attainment_pct: null,
    gpu_memory_peak_mib: null,
    gpu_energy_j: null,
    verdict: "pass",
    verdict_reasons: [tag.repeat(3000)],
  };
}

const MODULE = new URL("../../lib/results/record_history.ts", import.meta.url).href;

Deno.test("two processes appending at once never interleave partial lines", async () => {
  const root = await Deno.makeTempDir();
  try {
    const n = 300;
    const child = (tag: string) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "eval",
          "--ext=ts",
          `import { appendHistory } from ${JSON.stringify(MODULE)};
           const rec = (i: number) => ({ run_id: "${tag}-" + i, time: "2026", scenario: "${tag}",
             verdict_reasons: ["${tag}".repeat(6000)] });
           for (let i = 0; i < ${n}; i++) await appendHistory(${
            JSON.stringify(root)
          }, rec(i) as never);`,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
    const [x, y] = await Promise.all([child("x"), child("y")]);
    assert.equal(x.code, 0, new TextDecoder().decode(x.stderr));
    assert.equal(y.code, 0, new TextDecoder().decode(y.stderr));
    const { records, skipped } = await readHistory(root);
    assert.deepEqual(skipped, []);
    assert.equal(records.length, 2 * n);
    for (const tag of ["x", "y"]) {
      const mine = records.filter((r) => r.scenario === tag);
      assert.equal(mine.length, n);
      assert.ok(mine.every((r) => r.verdict_reasons[0] === tag.repeat(6000)));
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("the prom file is replaced atomically: a reader never sees a partial page", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "llmload.prom");
    await exportProm([bigRecord("a", 1)], { promFile: path });
    // Another process rewrites the file 200 times while this one keeps reading it.
    const writer = new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        "--ext=ts",
        `import { exportProm } from ${JSON.stringify(MODULE)};
         const rec = JSON.parse(${JSON.stringify(JSON.stringify(bigRecord("b", 2)))});
         for (let i = 0; i < 200; i++) {
           const p = await exportProm([{ ...rec, requests_ok: i, scenario: "s".repeat(i * 50) }],
             { promFile: ${JSON.stringify(path)} });
           if (p.length) throw new Error(p.join());
         }`,
      ],
      stderr: "piped",
    }).spawn();
    let reads = 0;
    let done = false;
    const status = writer.status.then((s) => {
      done = true;
      return s;
    });
    while (!done) {
      const text = await Deno.readTextFile(path);
      parsePromText(text); // throws on a half-written page
      reads++;
    }
    assert.equal((await status).code, 0);
    assert.ok(reads > 0);
    // Nothing but the page is left in the collector's directory.
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.deepEqual(names, ["llmload.prom"]);
    const last = parsePromText(await Deno.readTextFile(path));
    const ok = last.get("llmload_requests")!.samples.find((s) => s.labels.outcome === "ok")!;
    assert.equal(ok.value, 199);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a prom file that cannot be written is a problem to log, not a throw", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const problems = await exportProm([bigRecord("a", 1)], {
      promFile: join(dir, "missing", "x.prom"),
    });
    assert.equal(problems.length, 1);
    assert.match(problems[0], /--prom-file .*x\.prom not written/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--pushgateway PUTs the page to /metrics/job/llmload with base64 grouping labels", async () => {
  await using server = startRawHttpServer();
  const record = { ...bigRecord("nightly", 1), target: "http://gpu:8000/v1", model: "llama" };
  const pushed = exportProm([record], { pushgateway: server.url("/") });
  const req = await server.next();
  await req.write("HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
  req.close();
  assert.deepEqual(await pushed, []);
  const [requestLine] = req.head.split("\r\n");
  const expected = pushgatewayUrl("http://x", {
    scenario: "nightly",
    target: "http://gpu:8000/v1",
    model: "llama",
  }).slice("http://x".length);
  assert.equal(requestLine, `PUT ${expected} HTTP/1.1`);
  // base64url of the target, no slashes left in the path segment
  assert.match(expected, /\/target@base64\/aHR0cDovL2dwdTo4MDAwL3Yx\//);
  assert.match(req.head, /content-type: text\/plain; version=0\.0\.4/i);
  const families = parsePromText(req.body);
  assert.ok(families.has("llmload_ttft_seconds"));
});

Deno.test("a Pushgateway that refuses or is down gives a problem to log, never a throw", async () => {
  await using server = startRawHttpServer();
  const pushed = exportProm([bigRecord("a", 1)], { pushgateway: server.url() });
  const req = await server.next();
  await req.write(
    "HTTP/1.1 400 Bad Request\r\ncontent-length: 14\r\nconnection: close\r\n\r\nbad label name",
  );
  req.close();
  const problems = await pushed;
  assert.equal(problems.length, 1);
  assert.match(problems[0], /--pushgateway: PUT .* answered 400: bad label name/);
  await server.close();
  const down = await exportProm([bigRecord("a", 1)], { pushgateway: server.url() });
  assert.match(down[0], /--pushgateway: PUT .* failed/);
});

Deno.test("a sweep point's prom page holds every point of its sweep so far", async () => {
  const root = await Deno.makeTempDir();
  try {
    const sweepDir = join(root, "sweep-1");
    const prom = join(root, "sweep.prom");
    for (const [i, c] of [[1, 1], [2, 8]]) {
      const dir = await writeSyntheticRun(sweepDir, { ...RUN, runId: `point-${i}` });
      await recordRunHistory(dir, {
        out: sweepDir,
        scenario: "concurrency",
        exports: { promFile: prom },
        history: {
          root,
          parent: { kind: "sweep", id: "sweep-1", index: i, label: `concurrency=${c}` },
        },
      }, (l) => assert.fail(l));
    }
    // The line went to the results root, not the sweep directory.
    assert.equal((await readHistory(sweepDir)).records.length, 0);
    const { records } = await readHistory(root);
    assert.deepEqual(records.map((r) => r.run_dir), ["sweep-1/point-1", "sweep-1/point-2"]);
    const points = parsePromText(await Deno.readTextFile(prom)).get("llmload_requests")!.samples
      .filter((s) => s.labels.outcome === "ok").map((s) => s.labels.point);
    assert.deepEqual(points, ["concurrency=1", "concurrency=8"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("appendHistory creates the results root when it is missing", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    await appendHistory(join(tmp, "new", "root"), bigRecord("a", 1));
    assert.equal((await readHistory(join(tmp, "new", "root"))).records.length, 1);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
