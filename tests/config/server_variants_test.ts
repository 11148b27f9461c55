import assert from "node:assert/strict";
import {
  expandServerArgv,
  planServerVariants,
  type ServerVariantsInput,
  variantDirName,
} from "../../lib/config/server_variants.ts";
import { UsageError } from "../../lib/config/usage_error.ts";
import { splitCommand } from "../../lib/telemetry/split_command.ts";

const VLLM =
  "vllm serve {model} --port {port} --enable-chunked-prefill={chunked} --max-num-batched-tokens {mnbt}";

function plan(input: Partial<ServerVariantsInput>, options: { model?: string } = { model: "m" }) {
  return planServerVariants(
    { cmd: VLLM, params: [], links: [], ...input },
    { split: splitCommand, model: options.model },
  );
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e.problems;
    throw e;
  }
  assert.fail("expected a UsageError");
}

Deno.test("server params expand to their Cartesian product, first parameter slowest", () => {
  const p = plan({ params: ["chunked=true,false", "mnbt=2048,8192"] });
  assert.deepEqual(p.variants.map((v) => v.label), [
    "chunked=true mnbt=2048",
    "chunked=true mnbt=8192",
    "chunked=false mnbt=2048",
    "chunked=false mnbt=8192",
  ]);
  assert.deepEqual(p.variants.map((v) => v.index), [1, 2, 3, 4]);
  assert.deepEqual(p.variants[2].params, { chunked: "false", mnbt: "2048" });
});

Deno.test("linked parameters move together instead of multiplying", () => {
  const p = planServerVariants({
    cmd:
      "vllm serve m --port {port} -tp {tp} --max-num-batched-tokens {mnbt} --enforce-eager={eager}",
    params: ["tp=1,2,4", "eager=true,false", "mnbt=2048,4096,8192"],
    links: ["mnbt,tp"],
  }, { split: splitCommand });
  assert.deepEqual(p.variants.map((v) => v.label), [
    "tp=1 eager=true mnbt=2048",
    "tp=1 eager=false mnbt=2048",
    "tp=2 eager=true mnbt=4096",
    "tp=2 eager=false mnbt=4096",
    "tp=4 eager=true mnbt=8192",
    "tp=4 eager=false mnbt=8192",
  ]);
  assert.deepEqual(p.links, [["mnbt", "tp"]]);
});

Deno.test("placeholders fill inside words; {llmload} becomes several words", () => {
  const p = planServerVariants({
    cmd: "{llmload} sim --port {port} --chunked-prefill={chunked} --host {host}",
    params: ["chunked=on,off"],
    links: [],
  }, { split: splitCommand });
  const argv = expandServerArgv(p.argv, {
    ...p.variants[1].params,
    port: "8123",
    host: "127.0.0.1",
    llmload: ["/usr/bin/deno", "run", "-A", "/src/main.ts"],
  });
  assert.deepEqual(argv, [
    "/usr/bin/deno",
    "run",
    "-A",
    "/src/main.ts",
    "sim",
    "--port",
    "8123",
    "--chunked-prefill=off",
    "--host",
    "127.0.0.1",
  ]);
});

Deno.test("a command without parameters is one variant", () => {
  const p = plan({ cmd: "vllm serve m --port {port}" });
  assert.deepEqual(p.variants, [{ index: 1, label: "server", params: {} }]);
  assert.equal(p.readyTimeoutMs, 600_000);
});

Deno.test("every --server-param problem is listed at once, naming the flag and the fix", () => {
  const problems = problemsOf(() =>
    plan({
      cmd: "vllm serve {model} --port {port} --x {chunked} --y {typo}",
      params: ["chunked", "mnbt=1,,2", "port=1,2", "chunked=a,a", "9x=1"],
    }, {})
  );
  const has = (re: RegExp) => assert.ok(problems.some((p) => re.test(p)), `${re} in ${problems}`);
  has(/--server-param "chunked" must be NAME=V1,V2/);
  has(/--server-param "mnbt=1,,2" must be NAME=V1,V2,\.\.\. with no empty value/);
  has(/\{port\} is filled by llmload itself/);
  has(/--server-param chunked lists "a" twice/);
  has(/name "9x" must be letters/);
  has(/--server-cmd uses \{typo\}, which is neither a --server-param/);
  has(/--server-cmd uses \{model\}: give --model NAME/);
  assert.ok(problems.length >= 7);
});

Deno.test("--link problems: unknown names, lists of different lengths, a name linked twice", () => {
  const problems = problemsOf(() =>
    plan({
      params: ["chunked=true,false", "mnbt=2048,4096,8192"],
      links: ["chunked,mnbt", "chunked,nope", "mnbt"],
    })
  );
  const has = (re: RegExp) => assert.ok(problems.some((p) => re.test(p)), `${re} in ${problems}`);
  has(/--link "chunked,mnbt": linked parameters move together.*chunked: 2, mnbt: 3/);
  has(/--link "chunked,nope": nope is not a --server-param/);
  has(/--link "mnbt" must name two or more different parameters/);
});

Deno.test("a command must carry {port}, and a parameter must appear in it", () => {
  const problems = problemsOf(() =>
    planServerVariants(
      { cmd: "vllm serve m --x {a}", params: ["a=1,2", "b=3"], links: [] },
      { split: splitCommand },
    )
  );
  assert.ok(problems.some((p) => p.startsWith("--server-cmd must contain {port}")));
  assert.ok(problems.some((p) => p.includes("{b} does not appear in --server-cmd")));
});

Deno.test("--server-param without --server-cmd is a usage error", () => {
  const problems = problemsOf(() =>
    planServerVariants({ params: ["a=1"], links: ["a,b"] }, { split: splitCommand })
  );
  assert.deepEqual(problems, [
    "--server-param needs --server-cmd (the command it fills)",
    "--link needs --server-cmd and --server-param",
  ]);
});

Deno.test("variant directory names sort in matrix order and are file-name safe", () => {
  const p = plan({ params: ["chunked=true,false", "mnbt=2048,8192"] });
  assert.equal(variantDirName(p.variants[0], 4), "01-chunked=true_mnbt=2048");
  assert.equal(
    variantDirName({ index: 3, label: "model=org/m x", params: {} }, 120),
    "003-model=org_m_x",
  );
});
