import assert from "node:assert/strict";
import { parseRunArgs } from "../../lib/cli/run_args.ts";
import { RUN_HELP } from "../../lib/cli/help.ts";
import { UsageError } from "../../lib/config/usage_error.ts";

Deno.test("--transport defaults to fetch and accepts socket", () => {
  assert.equal(parseRunArgs([], {}).plan.transport, "fetch");
  assert.equal(parseRunArgs(["--transport", "socket"], {}).plan.transport, "socket");
  assert.equal(parseRunArgs(["--transport=fetch"], {}).plan.transport, "fetch");
  assert.match(RUN_HELP, /--transport fetch\|socket/);
});

Deno.test("an unknown --transport is a usage error naming the flag and the choices", () => {
  try {
    parseRunArgs(["--transport", "http2", "--concurrency", "0"], {});
    assert.fail("expected a usage error");
  } catch (e) {
    assert.ok(e instanceof UsageError);
    assert.ok(
      e.problems.includes('--transport must be one of fetch, socket (got "http2")'),
      e.problems.join("\n"),
    );
    // Listed along with the other problems, not instead of them.
    assert.ok(e.problems.some((p) => p.startsWith("--concurrency")), e.problems.join("\n"));
  }
});
