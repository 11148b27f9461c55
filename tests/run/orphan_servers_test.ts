import assert from "node:assert/strict";
import { join } from "node:path";
import { commandMatches, stopOrphanServers } from "../../lib/campaign/orphan_servers.ts";
import { parsePsLines } from "../../lib/campaign/process_table.ts";
import { processAlive, waitFor } from "../helpers/process_alive.ts";
import {
  deadPid,
  killIfAlive as kill,
  recordSweep,
  startOrphan as orphan,
} from "../helpers/recorded_orphan.ts";

Deno.test("commandMatches: the same words in order; a recorded *** stands for its secret", () => {
  assert.ok(commandMatches(["sleep", "60"], "sleep 60"));
  assert.ok(!commandMatches(["sleep", "60"], "sleep 600"));
  assert.ok(!commandMatches(["sleep", "60"], "/bin/sleep 60"));
  assert.ok(commandMatches(["vllm", "serve", "--api-key", "***"], "vllm serve --api-key s3cr3t"));
  assert.ok(commandMatches(["srv", "--url=http://***@h/v1"], "srv --url=http://u:p@h/v1"));
  assert.ok(!commandMatches(["vllm", "serve", "--api-key", "***"], "vllm serve --api-key"));
  assert.ok(!commandMatches([], ""));
  // Regex characters in a command line are literal.
  assert.ok(!commandMatches(["a.c"], "abc"));
});

Deno.test("parsePsLines reads pid, ppid, pgid, state and the whole command line", () => {
  const t = parsePsLines(
    "  123     1   123 Ssl  deno run -A main.ts sim --port 5\n    7  1 7 Z    \n",
  );
  assert.deepEqual(t.get(123), {
    pid: 123,
    ppid: 1,
    pgid: 123,
    stat: "Ssl",
    args: "deno run -A main.ts sim --port 5",
  });
  assert.equal(t.get(7)?.stat, "Z");
});

Deno.test("a recorded server still running its command is stopped; a recycled pid running something else is not", async () => {
  const root = await Deno.makeTempDir({ prefix: "llmload-orphans-" });
  // Distinct durations make each command line unique on a shared machine.
  const server = await orphan(["sleep", "3601"]);
  const other = await orphan(["sleep", "3602"]);
  try {
    const owner = await deadPid();
    const sweep = await recordSweep(root, [
      { label: "chunked=on", pid: server, argv: ["sleep", "3601"] },
      // The pid now runs another command: it was recycled, the recorded server is gone.
      { label: "chunked=off", pid: other, argv: ["vllm", "serve", "--port", "8001"] },
    ], owner);
    const lines: string[] = [];
    const stopped = await stopOrphanServers([root], { log: (l) => lines.push(l) });
    assert.deepEqual(stopped.map((s) => [s.server.pid, s.forced]), [[server, false]]);
    assert.ok(await waitFor(() => !processAlive(server), 10_000), "the orphan was stopped");
    assert.ok(processAlive(other), "the recycled pid's process was left alone");
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0], new RegExp(`^stopped orphaned server pid ${server} \\(chunked=on of `));
    assert.ok(lines[0].includes(sweep) && lines[0].endsWith(": sleep 3601"), lines[0]);
    // Nothing left to stop the second time.
    assert.deepEqual(await stopOrphanServers([root], { log: () => {} }), []);
  } finally {
    kill(server);
    kill(other);
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a server ignoring SIGTERM gets SIGKILL after the grace period", async () => {
  const root = await Deno.makeTempDir({ prefix: "llmload-orphans-" });
  // Short sleeps in a loop: nothing of it outlives the SIGKILL of the shell by more than 1 s.
  const argv = ["sh", "-c", "trap '' TERM; while :; do sleep 1; done; echo 3603"];
  const server = await orphan(argv);
  try {
    await recordSweep(root, [{ label: "v", pid: server, argv }], await deadPid());
    const lines: string[] = [];
    const started = performance.now();
    const stopped = await stopOrphanServers([root], { log: (l) => lines.push(l), graceMs: 300 });
    assert.deepEqual(stopped.map((s) => s.forced), [true], lines.join("\n"));
    assert.ok(performance.now() - started >= 300, "SIGKILL came after the grace period");
    assert.ok(await waitFor(() => !processAlive(server), 10_000));
    assert.match(lines[0], /with SIGKILL/);
  } finally {
    kill(server);
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("left alone: a server its live llmload still owns, one recorded as stopped, one from another host", async () => {
  const root = await Deno.makeTempDir({ prefix: "llmload-orphans-" });
  // A child of this process: its parent (the "llmload" that recorded it) is alive.
  const owned = new Deno.Command("sleep", { args: ["3604"], stdin: "null" }).spawn();
  const stoppedOne = await orphan(["sleep", "3605"]);
  const foreign = await orphan(["sleep", "3606"]);
  try {
    await recordSweep(root, [{ label: "a", pid: owned.pid, argv: ["sleep", "3604"] }], Deno.pid);
    await recordSweep(root, [{
      label: "b",
      pid: stoppedOne,
      argv: ["sleep", "3605"],
      stop: { forced: false, port_free: true },
    }], await deadPid());
    await recordSweep(
      root,
      [{ label: "c", pid: foreign, argv: ["sleep", "3606"] }],
      await deadPid(),
      "some-other-host",
    );
    assert.deepEqual(await stopOrphanServers([root], { log: () => {} }), []);
    for (const pid of [owned.pid, stoppedOne, foreign]) assert.ok(processAlive(pid), `${pid} runs`);
  } finally {
    owned.kill("SIGKILL");
    await owned.status;
    kill(stoppedOne);
    kill(foreign);
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a missing results root or unreadable variants.json means nothing to stop", async () => {
  const root = await Deno.makeTempDir({ prefix: "llmload-orphans-" });
  try {
    await Deno.mkdir(join(root, "sweep"));
    await Deno.writeTextFile(join(root, "sweep", "variants.json"), "{ cut sh");
    const stopped = await stopOrphanServers([root, join(root, "absent")], { log: () => {} });
    assert.deepEqual(stopped, []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
