import assert from "node:assert/strict";
import { acquireRunLock, lockPath, pidAlive, RunLockBusy } from "../../lib/results/run_lock.ts";

Deno.test("the lock file names the scenario, holds pid/host/start, refuses a second holder and goes on release", async () => {
  const root = await Deno.makeTempDir();
  try {
    const lock = await acquireRunLock(root, { name: "my scenario", log: () => {} });
    assert.equal(lock.path, lockPath(root, "my scenario"));
    assert.match(lock.path, /\.llmload-my_scenario\.lock$/);
    const owner = JSON.parse(Deno.readTextFileSync(lock.path));
    assert.deepEqual([owner.pid, owner.host], [Deno.pid, Deno.hostname()]);
    assert.ok(!Number.isNaN(Date.parse(owner.started_at)));
    await assert.rejects(
      () => acquireRunLock(root, { name: "my scenario", log: () => {} }),
      RunLockBusy,
    );
    // Another scenario in the same root is a different lock.
    const other = await acquireRunLock(root, { name: "run", log: () => {} });
    other.release();
    lock.release();
    lock.release(); // idempotent
    assert.deepEqual([...Deno.readDirSync(root)], []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("an unreadable lock is treated as held, never stolen", async () => {
  const root = await Deno.makeTempDir();
  try {
    Deno.writeTextFileSync(lockPath(root, "run"), "");
    await assert.rejects(() => acquireRunLock(root, { name: "run", log: () => {} }), RunLockBusy);
    assert.equal(Deno.readTextFileSync(lockPath(root, "run")), "");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("pidAlive: this process is alive, an exited child is not", async () => {
  assert.equal(pidAlive(Deno.pid), true);
  const child = new Deno.Command("true").spawn();
  await child.status;
  assert.equal(pidAlive(child.pid), false);
  assert.equal(pidAlive(-1), false);
});
