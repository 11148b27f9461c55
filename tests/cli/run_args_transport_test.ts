import assert from "node:assert/strict";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { RUN_HELP } from "../../lib/cli/help.ts";
import { UsageError } from "../../lib/config/usage_error.ts";

Deno.test("--transport defaults to auto and accepts fetch and socket", () => {
  assert.equal(parseRunArgs([], {}).plan.transport, "auto");
  assert.equal(parseRunArgs(["--transport", "socket"], {}).plan.transport, "socket");
  assert.equal(parseRunArgs(["--transport=fetch"], {}).plan.transport, "fetch");
  assert.equal(parseRunArgs(["--transport=auto"], {}).plan.transport, "auto");
  assert.match(RUN_HELP, /--transport auto\|socket\|fetch/);
});

Deno.test("an unknown --transport is a usage error naming the flag and the choices", () => {
  try {
    parseRunArgs(["--transport", "http2", "--concurrency", "0"], {});
    assert.fail("expected a usage error");
  } catch (e) {
    assert.ok(e instanceof UsageError);
    assert.ok(
      e.problems.includes('--transport must be one of auto, fetch, socket (got "http2")'),
      e.problems.join("\n"),
    );
    // Listed along with the other problems, not instead of them.
    assert.ok(e.problems.some((p) => p.startsWith("--concurrency")), e.problems.join("\n"));
  }
});

Deno.test("--preconnect takes N, off or auto; absent means auto", () => {
  assert.equal(parseRunArgs([], {}).plan.preconnect, undefined);
  assert.equal(parseRunArgs(["--preconnect", "200"], {}).plan.preconnect, 200);
  assert.equal(parseRunArgs(["--preconnect", "off"], {}).plan.preconnect, "off");
  assert.equal(parseRunArgs(["--preconnect=auto"], {}).plan.preconnect, "auto");
  assert.match(RUN_HELP, /--preconnect N\|off\|auto/);
});

for (const bad of ["-3", "0", "1.5", "", "lots"]) {
  Deno.test(`--preconnect ${JSON.stringify(bad)} is a usage error naming the flag and the fix`, () => {
    assert.throws(() => parseRunArgs(["--preconnect", bad], {}), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.ok(
        e.problems.includes(
          `--preconnect must be a whole number ≥ 1 (connections), "off" or "auto" (got "${bad}")`,
        ),
        e.problems.join("\n"),
      );
      return true;
    });
  });
}
