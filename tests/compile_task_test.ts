/**
 * deno.json's compile tasks. `deno compile` embeds only what main.ts imports; a worker's module,
 * started as `new Worker(new URL("./x.ts", import.meta.url))`, is embedded only when named with
 * `--include`, and a missing one fails only in the binary, at the first `--workers` run or
 * `--target sim`. So every worker module found in lib/ must be in every compile task.
 */
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const TASKS: Record<string, string> =
  JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json"))).tasks;
const COMPILE_TASKS = Object.keys(TASKS).filter((k) => k === "compile" || k.startsWith("compile:"));

/** Every `.ts` file under `dir`, recursively. */
function tsFiles(dir: string): string[] {
  return [...Deno.readDirSync(dir)].flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory) return tsFiles(path);
    return e.isFile && e.name.endsWith(".ts") ? [path] : [];
  });
}

/** Repo-relative paths of the modules that lib/ starts as workers. */
function workerModules(): string[] {
  const found = new Set<string>();
  for (const file of tsFiles(join(ROOT, "lib"))) {
    const text = Deno.readTextFileSync(file);
    for (const m of text.matchAll(/new Worker\(\s*new URL\(\s*"([^"]+)",\s*import\.meta\.url/g)) {
      found.add(relative(ROOT, resolve(dirname(file), m[1])));
    }
  }
  return [...found].sort();
}

/** A task's words, and the values of its `--include` flags. */
function words(task: string): { argv: string[]; includes: string[] } {
  const argv = TASKS[task].split(/\s+/);
  return { argv, includes: argv.flatMap((w, i) => (argv[i - 1] === "--include" ? [w] : [])) };
}

Deno.test("every worker module in lib/ is --include'd by every compile task", () => {
  const workers = workerModules();
  // The run's worker threads and the simulator's: the scan must see both, or it is broken.
  assert.deepEqual(workers, ["lib/run/workers/run_worker.ts", "lib/sim/sim_worker.ts"]);
  for (const w of workers) assert.ok(Deno.statSync(join(ROOT, w)).isFile, w);
  assert.deepEqual(COMPILE_TASKS, ["compile", "compile:x86_64-linux", "compile:aarch64-linux"]);
  for (const task of COMPILE_TASKS) {
    assert.deepEqual(words(task).includes.sort(), workers, task);
  }
});

Deno.test("the cross-compile tasks are the host task plus --target and their own --output", () => {
  // Drops `--target T` and `--output O`, so the rest must match the host task word for word:
  // permissions, V8 flags and includes cannot drift between the binaries.
  const rest = (argv: string[]) =>
    argv.filter((w, i) =>
      !["--target", "--output"].includes(w) && !["--target", "--output"].includes(argv[i - 1])
    );
  const host = words("compile").argv;
  assert.equal(host.at(-1), "main.ts");
  assert.ok(!host.includes("--target"));
  for (
    const [task, target] of [
      ["compile:x86_64-linux", "x86_64-unknown-linux-gnu"],
      ["compile:aarch64-linux", "aarch64-unknown-linux-gnu"],
    ]
  ) {
    const { argv } = words(task);
    assert.deepEqual(rest(argv), rest(host), task);
    // Flags after main.ts would be embedded as the binary's own arguments, not read by compile.
    assert.equal(argv.at(-1), "main.ts", task);
    assert.equal(argv[argv.indexOf("--target") + 1], target, task);
    assert.equal(argv[argv.indexOf("--output") + 1], `dist/${target}/llmload`, task);
  }
});
