/**
 * Why LatencyHistogram keeps a DDSketch: cost per recorded value and footprint of the two
 * well-kept npm choices, on latency-shaped data (5–40 ms body, 1 % tail to 2 s), and the
 * accuracy of each against exact percentiles. Numbers, not assertions.
 *
 * Usage: deno run -A bench/histogram_cost.ts [--values 2000000]
 */
import * as hdr from "hdr-histogram-js";
import { DDSketch } from "@datadog/sketches-js";
import { LatencyHistogram } from "../lib/metrics/latency_histogram.ts";
import { percentile } from "../lib/metrics/stats.ts";
import { createRng } from "../lib/load/rng.ts";

const i = Deno.args.indexOf("--values");
const N = i >= 0 ? Number(Deno.args[i + 1]) : 2_000_000;
const rng = createRng(1);
const vals = new Float64Array(N);
for (let k = 0; k < N; k++) {
  const body = 5 * Math.exp(rng.next() * 2.1);
  vals[k] = rng.next() < 0.01 ? body + rng.next() * 2000 : body;
}
const sorted = vals.slice().sort();

function timed(fn: () => void): number {
  fn(); // warm-up pass: JIT, store growth
  const t = performance.now();
  fn();
  return ((performance.now() - t) * 1e6) / N;
}

const rows: string[][] = [];
const row = (name: string, ns: number, bytes: string, p: (q: number) => number) => {
  const err = (q: number) => {
    const e = percentile(sorted, q);
    return `${((p(q) - e) / e * 100).toFixed(3)} %`;
  };
  rows.push([name, ns.toFixed(1), bytes, err(50), err(99), err(99.9)]);
};

for (const bitBucketSize of [32, "packed"] as const) {
  const make = () =>
    hdr.build({
      bitBucketSize,
      lowestDiscernibleValue: 1,
      highestTrackableValue: 3_600_000_000,
      numberOfSignificantValueDigits: 3,
      autoResize: true,
      useWebAssembly: false,
    });
  let h = make();
  const ns = timed(() => {
    h = make();
    for (let k = 0; k < N; k++) h.recordValue(Math.round(vals[k] * 1000));
  });
  row(
    `hdr-histogram-js ${bitBucketSize}, 3 digits, µs`,
    ns,
    String(h.estimatedFootprintInBytes),
    (q) => h.getValueAtPercentile(q) / 1000,
  );
}
let d = new DDSketch({ relativeAccuracy: 0.001 });
const ddNs = timed(() => {
  d = new DDSketch({ relativeAccuracy: 0.001 });
  for (let k = 0; k < N; k++) d.accept(vals[k]);
});
const bins = (d.store as unknown as { bins: number[] }).bins.length;
row(
  "@datadog/sketches-js 0.1 %",
  ddNs,
  `~${bins * 8} (${bins} bins)`,
  (q) => d.getValueAtQuantile(q / 100),
);
let lh = new LatencyHistogram();
const lhNs = timed(() => {
  lh = new LatencyHistogram();
  for (let k = 0; k < N; k++) lh.add(vals[k]);
});
row("LatencyHistogram (llmload)", lhNs, "as DDSketch", (q) => lh.percentile(q));

console.log(`${N} values; error = (histogram − exact numpy percentile) / exact`);
const head = ["histogram", "ns/value", "bytes", "p50 err", "p99 err", "p99.9 err"];
const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
for (const r of [head, ...rows]) console.log(r.map((x, c) => x.padEnd(widths[c])).join("  "));
