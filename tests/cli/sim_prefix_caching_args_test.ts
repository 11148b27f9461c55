import assert from "node:assert/strict";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { parseSimArgs } from "../../lib/cli/sim_args.ts";
import { UsageError } from "../../lib/config/usage_error.ts";

const engineOf = (...args: string[]) => parseSimArgs(args).options.engine;

Deno.test("llmload sim takes vLLM's --enable-prefix-caching / --no-enable-prefix-caching and --prefix-caching on|off", () => {
  assert.equal(engineOf(), undefined, "not given: the profile's default (on)");
  assert.deepEqual(engineOf("--enable-prefix-caching"), { enablePrefixCaching: true });
  assert.deepEqual(engineOf("--no-enable-prefix-caching"), { enablePrefixCaching: false });
  assert.deepEqual(engineOf("--prefix-caching", "off"), { enablePrefixCaching: false });
  assert.deepEqual(engineOf("--prefix-caching=on"), { enablePrefixCaching: true });
  assert.deepEqual(
    engineOf("--no-enable-prefix-caching", "--enable-prefix-caching"),
    { enablePrefixCaching: true },
    "the last one wins, as in vLLM",
  );
  assert.throws(
    () => parseSimArgs(["--prefix-caching", "maybe"]),
    (e) => e instanceof UsageError && /--prefix-caching must be on or off/.test(e.message),
  );
});

Deno.test("llmload run --target sim takes --sim-prefix-caching on|off", () => {
  const plan = (...a: string[]) =>
    parseRunArgs(["--target", "sim", "--requests", "1", ...a], {}).plan.target.simOptions;
  assert.deepEqual(plan("--sim-prefix-caching", "off")?.engine, { enablePrefixCaching: false });
  assert.throws(
    () => plan("--sim-prefix-caching", "no"),
    (e) => e instanceof UsageError && /--sim-prefix-caching must be on or off/.test(e.message),
  );
});
