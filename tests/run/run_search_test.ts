import assert from "node:assert/strict";
import { join } from "node:path";
import { parseSearchArgs } from "../../lib/cli/search_args.ts";
import { runSearch } from "../../lib/campaign/run_search.ts";
import { SEARCH_CSV_COLUMNS } from "../../lib/report/files/search_json.ts";
import { searchAnswerLine } from "../../lib/report/search_text.ts";
import { externalReferences, wellFormedProblems } from "../helpers/html_checks.ts";
import { readJsonl } from "../helpers/run_in_process.ts";

/**
 * A simulator with 4 sequence slots, each held ~800 ms (40 ms ITL × 20 tokens): up to 4 users
 * get their first token in ~15 ms (a busy machine's stalls add tens of ms, rarely 100+); with 5
 * one is always waiting for a slot (up to ~800 ms). With TTFT p99 ≤ 400 ms the capacity is
 * exactly 4 users, with a 2× margin above and hundreds of ms of stall allowance below.
 */
const FOUR_SLOTS = [
  "--target",
  "sim",
  "--sim-profile",
  "fixed",
  "--sim-ttft",
  "10ms",
  "--sim-itl",
  "40ms",
  "--sim-max-num-seqs",
  "4",
  "--max-tokens",
  "20",
  "--prompt-tokens",
  "16",
  "--duration",
  "1s",
];

async function search(args: string[]) {
  const out = await Deno.makeTempDir();
  const parsed = parseSearchArgs([...args, "--out", out], {});
  const lines: string[] = [];
  const outcome = await runSearch(parsed.plan, {
    log: (l) => lines.push(l),
    isTty: false,
    quiet: true,
  }, {
    bounds: parsed.bounds,
    criteria: parsed.criteria,
    precision: parsed.precision,
  });
  return { out, outcome, lines };
}

Deno.test("a concurrency search against a 4-slot simulator finds 4 users, confirmed twice", async () => {
  const { out, outcome } = await search([
    ...FOUR_SLOTS,
    "--axis",
    "concurrency",
    "--slo",
    "ttft.p99<=400ms",
  ]);
  try {
    const doc = outcome.doc;
    assert.deepEqual(
      doc.points.map((p) => `${p.phase}:${p.value}:${p.pass ? "pass" : "fail"}`),
      [
        "bracket:1:pass",
        "bracket:2:pass",
        "bracket:4:pass",
        "bracket:8:fail",
        "bisect:6:fail",
        "bisect:5:fail",
        "confirm:4:pass",
      ],
    );
    assert.deepEqual(doc.answer, {
      value: 4,
      runs: 2,
      confirmed: true,
      firstFail: 5,
      reason: "converged",
    });
    assert.equal(
      searchAnswerLine(doc),
      "highest concurrency meeting the SLOs: 4 users (confirmed twice; 5 users fails)",
    );
    // The failing points failed on the SLO, not on errors.
    for (const p of doc.points.filter((p) => !p.pass)) {
      const missed = p.objectives.filter((o) => !o.met).map((o) => o.objective);
      assert.ok(missed.includes("ttft.p99<=400ms"), missed.join());
      assert.equal(p.measured.requests_failed, 0);
    }

    // search.json on disk is what the outcome holds; search.csv has a row per point.
    const json = JSON.parse(await Deno.readTextFile(join(outcome.searchDir, "search.json")));
    assert.equal(json.answer.value, 4);
    assert.equal(json.points.length, 7);
    const csv = (await Deno.readTextFile(join(outcome.searchDir, "search.csv"))).trim().split("\n");
    assert.deepEqual(csv[0].split(","), SEARCH_CSV_COLUMNS);
    assert.equal(csv.length, 8);
    assert.match(csv[4], /^4,concurrency,8,bracket,[0-9a-f-]+,false,ttft\.p99<=400ms/);

    // Each point is a full run directory under the search directory, with the point's load.
    for (const p of doc.points) {
      const meta = JSON.parse(
        await Deno.readTextFile(join(outcome.searchDir, p.run_id, "meta.json")),
      );
      assert.equal(meta.load.concurrency, p.value);
      const summary = JSON.parse(
        await Deno.readTextFile(join(outcome.searchDir, p.run_id, "summary.json")),
      );
      assert.equal(summary.ttft_ms.p99, json.points[p.point - 1].measured.ttft_ms_p99);
    }
    // One history line per point, labelled as part of the search.
    const history = await readJsonl(join(out, "history.jsonl"));
    assert.deepEqual(
      history.map((h) => [h.parent.kind, h.parent.index, h.parent.label]),
      doc.points.map((p) => ["search", p.point, `concurrency=${p.value}`]),
    );

    const md = await Deno.readTextFile(join(outcome.searchDir, "report.md"));
    assert.ok(md.includes("**highest concurrency meeting the SLOs: 4 users (confirmed twice"));
    const html = await Deno.readTextFile(join(outcome.searchDir, "report.html"));
    assert.deepEqual(wellFormedProblems(html), []);
    assert.deepEqual(externalReferences(html), []);
    assert.ok(html.includes(`id="search-objective-1"`) && html.includes("<svg"));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("a rate search whose SLOs hold everywhere ends at --max, confirmed", async () => {
  const { out, outcome } = await search([
    ...FOUR_SLOTS,
    "--axis",
    "rate",
    "--min",
    "2",
    "--max",
    "6",
    "--slo",
    "e2e.p50<=5s",
    "--arrival",
    "constant",
  ]);
  try {
    const doc = outcome.doc;
    assert.deepEqual(doc.points.map((p) => `${p.phase}:${p.value}`), [
      "bracket:2",
      "bracket:4",
      "bracket:6",
      "confirm:6",
    ]);
    assert.equal(doc.answer?.reason, "at_max");
    assert.equal(doc.answer?.value, 6);
    for (const p of doc.points) {
      const meta = JSON.parse(
        await Deno.readTextFile(join(outcome.searchDir, p.run_id, "meta.json")),
      );
      assert.deepEqual([meta.load.mode, meta.load.rate], ["open", p.value]);
    }
    assert.match(
      searchAnswerLine(doc),
      /^highest rate meeting the SLOs: 6 req\/s \(confirmed twice; --max reached/,
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("an interrupted search keeps its points and reports the best answer so far", async () => {
  const out = await Deno.makeTempDir();
  try {
    const parsed = parseSearchArgs([
      ...FOUR_SLOTS,
      "--axis",
      "concurrency",
      "--slo",
      "ttft.p99<=400ms",
      "--out",
      out,
    ], {});
    const stop = new AbortController();
    const io = {
      // Ctrl-C as the second point starts: it is cut short and stays out of the answer.
      log: (l: string) => l.startsWith("search point 2/") && stop.abort(),
      isTty: false,
      quiet: false,
      interrupt: stop.signal,
    };
    const { doc, interrupted, searchDir } = await runSearch(parsed.plan, io, {
      bounds: parsed.bounds,
      criteria: parsed.criteria,
      precision: parsed.precision,
    });
    assert.equal(interrupted, true);
    assert.deepEqual(doc.points.map((p) => [p.value, p.pass, p.interrupted]), [
      [1, true, false],
      [2, false, true],
    ]);
    assert.deepEqual(doc.answer, {
      value: 1,
      runs: 1,
      confirmed: false,
      firstFail: null,
      reason: "interrupted",
    });
    assert.equal(
      searchAnswerLine(doc),
      "highest concurrency meeting the SLOs: 1 user (passed once, not confirmed; interrupted)",
    );
    const json = JSON.parse(await Deno.readTextFile(join(searchDir, "search.json")));
    assert.equal(json.interrupted, true);
    assert.equal(json.answer.reason, "interrupted");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
