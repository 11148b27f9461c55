import assert from "node:assert/strict";
import { join } from "node:path";
import { llmload } from "../helpers/llmload_cli.ts";
import { parsePromText } from "../../lib/telemetry/prom_text.ts";
import { HISTORY_CSV_COLUMNS } from "../../lib/report/files/history_files.ts";

const FAST = ["--target", "sim", "--sim-profile", "fixed", "--sim-itl", "1ms"];

Deno.test("two runs, then llmload history shows both with changes; --prom-file parses strictly", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const out = join(tmp, "results");
    const prom = join(tmp, "llmload.prom");
    for (const ttft of ["5ms", "50ms"]) {
      const args = [...FAST, "--sim-ttft", ttft, "--concurrency", "2", "--requests", "6"];
      const r = await llmload([
        "run",
        ...args,
        "--max-tokens",
        "8",
        "--out",
        out,
        "-q",
        "--prom-file",
        prom,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /warning/);
    }
    const lines = (await Deno.readTextFile(join(out, "history.jsonl"))).trimEnd().split("\n");
    assert.equal(lines.length, 2);
    const families = parsePromText(await Deno.readTextFile(prom));
    const ttft = families.get("llmload_ttft_seconds")!.samples[0];
    assert.deepEqual([ttft.labels.target, ttft.labels.model], ["sim", "sim-llama-8b"]);
    // The page holds the last run's figures (seconds): its history line's TTFT p50 in ms.
    assert.ok(Math.abs(ttft.value * 1000 - JSON.parse(lines[1]).ttft_p50_ms) < 1e-6);

    const json = await llmload(["history", "--out", out, "--format", "json"]);
    assert.equal(json.code, 0, json.stderr);
    const { runs } = JSON.parse(json.stdout);
    assert.equal(runs.length, 2);
    assert.equal(runs[0].change_pct.ttft_p50_ms, null);
    const [a, b] = lines.map((l) => JSON.parse(l).ttft_p50_ms);
    assert.ok(Math.abs(runs[1].change_pct.ttft_p50_ms - ((b - a) / a) * 100) < 1e-9);
    assert.ok(runs[1].change_pct.ttft_p50_ms > 0); // 5 ms → 50 ms simulated TTFT

    const table = await llmload(["history", "--out", out, "--last", "1"]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /1 of 2 runs/);
    const csv = await llmload(["history", "--out", out, "--format", "csv", "--target", "sim"]);
    assert.deepEqual(csv.stdout.split("\n")[0].split(","), HISTORY_CSV_COLUMNS);
    assert.equal(csv.stdout.trimEnd().split("\n").length, 3);
    const none = await llmload(["history", "--out", out, "--scenario", "nope"]);
    assert.match(none.stdout, /no runs in history/);
    const page = join(tmp, "h.html");
    const html = await llmload(["history", "--out", out, "--html", page]);
    assert.equal(html.code, 0, html.stderr);
    assert.match(await Deno.readTextFile(page), /id="history-ttft"/);
    assert.match(await Deno.readTextFile(join(out, "history.html")), /2 runs, 1 series/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("a sweep appends one line per point, named by the scenario and the point", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const r = await llmload([
      "run",
      "concurrency",
      ...FAST,
      "--sim-ttft",
      "5ms",
      "--requests",
      "2",
      "--max-tokens",
      "4",
      "--prompt-tokens",
      "16",
      "-q",
      "--out",
      tmp,
      "--prom-file",
      join(tmp, "sweep.prom"),
    ]);
    assert.equal(r.code, 0, r.stderr);
    const recs = (await Deno.readTextFile(join(tmp, "history.jsonl"))).trimEnd().split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(recs.map((x) => x.parent.label), [
      "concurrency=1",
      "concurrency=2",
      "concurrency=4",
      "concurrency=8",
    ]);
    assert.ok(recs.every((x) => x.scenario === "concurrency" && x.parent.kind === "sweep"));
    assert.ok(recs.every((x) => x.run_dir.startsWith(recs[0].parent.id + "/")));
    const points = parsePromText(await Deno.readTextFile(join(tmp, "sweep.prom")))
      .get("llmload_requests_per_second")!.samples.map((s) => s.labels.point);
    assert.equal(points.length, 4);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("bad history and export flags are usage errors listing every problem (exit 2)", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const h = await llmload([
      "history",
      "--out",
      join(tmp, "missing"),
      "--format",
      "xml",
      "--last",
      "0",
    ]);
    assert.equal(h.code, 2);
    assert.match(h.stderr, /--format must be one of terminal, md, json, csv \(got "xml"\)/);
    assert.match(h.stderr, /--last must be a whole number > 0 \(got "0"\)/);
    assert.match(h.stderr, /--out .*missing: no such results directory/);
    const r = await llmload([
      "run",
      ...FAST,
      "--sim-ttft",
      "5ms",
      "--requests",
      "1",
      "--out",
      tmp,
      "--prom-file",
      join(tmp, "nodir", "x.txt"),
      "--pushgateway",
      "ftp://x",
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--prom-file must end in \.prom/);
    assert.match(r.stderr, /--prom-file must be in an existing directory/);
    assert.match(r.stderr, /--pushgateway must be the Pushgateway's http\(s\) URL/);
    assert.deepEqual([...Deno.readDirSync(tmp)], []); // nothing started or written
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
