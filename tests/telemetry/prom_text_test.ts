import assert from "node:assert/strict";
import { readPromText } from "../../lib/telemetry/prom_text.ts";

Deno.test("readPromText reads samples, labels with escapes, special values and timestamps", () => {
  const page = [
    "# HELP vllm:num_requests_running Number of requests.",
    "# TYPE vllm:num_requests_running gauge",
    'vllm:num_requests_running{engine="0",model_name="m"} 3.0',
    'odd{a="q\\"uote",b="back\\\\slash",c="new\\nline",d="}{, "} +Inf',
    "no_labels -1.5e-3 1700000000000",
    "nan_value NaN",
    'trailing_comma{a="1",} 2',
    "",
    "# EOF",
  ].join("\n");
  const { samples, types, malformedLines } = readPromText(page);
  assert.equal(malformedLines, 0);
  assert.equal(types.get("vllm:num_requests_running"), "gauge");
  assert.deepEqual(samples[0], {
    name: "vllm:num_requests_running",
    labels: { engine: "0", model_name: "m" },
    value: 3,
  });
  assert.deepEqual(samples[1].labels, { a: 'q"uote', b: "back\\slash", c: "new\nline", d: "}{, " });
  assert.equal(samples[1].value, Infinity);
  assert.equal(samples[2].value, -0.0015, "a timestamp after the value is not the value");
  assert.ok(Number.isNaN(samples[3].value));
  assert.deepEqual(samples[4].labels, { a: "1" });
});

Deno.test("readPromText skips and counts lines that break the grammar, keeping the rest", () => {
  const cases: [string, string][] = [
    ["no value", "metric_without_value"],
    ["bad value", "m 12abc"],
    ["unquoted label", "m{a=1} 1"],
    ["bad escape", 'm{a="\\x"} 1'],
    ["unterminated labels", 'm{a="1" 1'],
    ["bad name", "1metric 1"],
    ["html", "<html><body>Not Found</body></html>"],
  ];
  for (const [why, line] of cases) {
    const { samples, malformedLines } = readPromText(`good 1\n${line}\nalso_good 2\n`);
    assert.equal(malformedLines, 1, why);
    assert.deepEqual(samples.map((s) => s.name), ["good", "also_good"], why);
  }
});

Deno.test("readPromText finds nothing in a page that is not Prometheus text", () => {
  for (const text of ["", '{"detail":"Not Found"}', "<!doctype html>\n<p>hello</p>\n"]) {
    const page = readPromText(text);
    assert.equal(page.samples.length, 0, text);
    assert.equal(page.types.size, 0, text);
  }
});

Deno.test("readPromText accepts CRLF line ends and a TYPE without HELP", () => {
  const page = readPromText("# TYPE x_total counter\r\nx_total 5\r\n");
  assert.equal(page.types.get("x_total"), "counter");
  assert.deepEqual(page.samples, [{ name: "x_total", labels: {}, value: 5 }]);
  assert.equal(page.malformedLines, 0);
});

Deno.test("readPromText's keep drops samples by name before reading them (a bad line it drops is not counted)", () => {
  const page = readPromText(
    'h_bucket{le="0.1"} 1\nh_bucket{le=broken} 2\nh_count 3\nh_sum 0.5\n',
    { keep: (name) => !name.endsWith("_bucket") },
  );
  assert.deepEqual(page.samples.map((s) => s.name), ["h_count", "h_sum"]);
  assert.equal(page.malformedLines, 0);
});
