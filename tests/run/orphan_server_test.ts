import assert from "node:assert/strict";
import { processAlive, waitFor } from "../helpers/process_alive.ts";

Deno.test("a server variant does not outlive llmload killed with -9 by more than 2 s", async () => {
  const parent = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../helpers/orphan_server_parent.ts", import.meta.url).pathname],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = parent.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  const { pid } = JSON.parse(text);
  assert.ok(processAlive(pid), "the server runs");
  parent.kill("SIGKILL");
  await parent.status;
  await reader.cancel();
  const killedAt = performance.now();
  // The watchdog polls every 0.5 s and sends SIGTERM, which ends `sleep` at once.
  assert.ok(await waitFor(() => !processAlive(pid), 10_000), `server ${pid} outlived its parent`);
  const after = performance.now() - killedAt;
  // Loose on a loaded machine; the design bound (0.5 s poll + 1 s to SIGKILL) is well below 2 s.
  assert.ok(after < 5000, `server ended ${after.toFixed(0)} ms after its parent`);
});
