/**
 * The agent's test queue and runners: which tests wait, which run (at most `runners` at once),
 * stopping them, pruning old finished ones, and what each test looks like to the API. Secrets
 * live here only, in memory (`Live`), never in the store.
 */
import { join } from "node:path";
import { UsageError } from "../config/usage_error.ts";
import type { AgentOptions } from "./agent_options.ts";
import { type JobPart, jobPlans, runJob } from "./job.ts";
import { planJob } from "./plan_job.ts";
import { redact } from "./registration.ts";
import { FINISHED, type TestRecord, type TestStore } from "./store.ts";

/** What the queue needs from the agent's options (defaults already applied). */
export interface QueueOptions extends Pick<AgentOptions, "plan" | "dataDir" | "readRules"> {
  runners: number;
  maxTests: number;
  log: (line: string) => void;
}

/** What only this agent process knows about a test. */
interface Live {
  /** Full flags, secrets included: memory only. */
  args: string[];
  secrets: string[];
  abort?: AbortController;
  /** Who stopped it: a user's cancel, or the agent shutting down. */
  stoppedBy?: "cancel" | "shutdown";
  progress?: string;
  /** The sweep point or compared run now running. */
  part?: { index: number; of: number; label: string };
}

/** How a test's run ended, before it is stored. */
interface RunEnd {
  status: TestRecord["status"];
  error?: string;
  runDir?: string;
}

/** Queued and running tests over a store. */
export class TestQueue {
  readonly #store: TestStore;
  readonly #options: QueueOptions;
  readonly #live = new Map<string, Live>();
  #running = 0;
  #closing = false;

  constructor(store: TestStore, options: QueueOptions) {
    this.#store = store;
    this.#options = options;
  }

  /** Queued tests of an earlier agent: run them if their flags are whole, else fail them. */
  async restore(): Promise<void> {
    for (const t of this.#store.list()) {
      if (t.status !== "queued") continue;
      if (t.has_secrets) {
        t.status = "failed";
        t.ended_at = new Date().toISOString();
        t.error = "the agent restarted while this test was queued; its secrets were held in " +
          "memory only and are gone: register it again";
        await this.#store.save(t);
      } else this.#live.set(t.id, { args: t.args, secrets: [] });
    }
  }

  /** Keeps a registered test's full flags and secrets in memory until it ends. */
  hold(id: string, args: string[], secrets: string[]): void {
    this.#live.set(id, { args, secrets });
  }

  /** False once an agent restart lost the test's flags. */
  holds(id: string): boolean {
    return this.#live.has(id);
  }

  /** Every secret of a test this agent knows: redacted from whatever it shows. */
  secrets(): string[] {
    return [...this.#live.values()].flatMap((l) => l.secrets);
  }

  /** A test as the API shows it: its record, with a running test's progress, redacted. */
  show(t: TestRecord): Record<string, unknown> {
    const l = this.#live.get(t.id);
    const now = t.status === "running" && l
      ? {
        progress: (l.part ? `point ${l.part.index}/${l.part.of} (${l.part.label}) · ` : "") +
          (l.progress ?? ""),
        ...(l.part ? { point: l.part } : {}),
      }
      : {};
    return JSON.parse(redact(JSON.stringify({ ...t, ...now }), this.secrets()));
  }

  /** Queues a registered test and starts it if a runner is free. */
  async enqueue(t: TestRecord): Promise<void> {
    t.status = "queued";
    t.queued_at = new Date().toISOString();
    await this.#store.save(t);
    this.pump();
  }

  /**
   * Cancels a test: a running one is stopped (it ends as `cancelled` when its run returns), a
   * queued or registered one ends now; false when it has already ended.
   */
  async cancel(t: TestRecord): Promise<boolean> {
    if (t.status === "running") {
      const l = this.#live.get(t.id);
      if (l?.abort && !l.abort.signal.aborted) {
        l.stoppedBy = "cancel";
        l.abort.abort();
      }
    } else if (t.status === "queued" || t.status === "registered") {
      t.status = "cancelled";
      t.ended_at = new Date().toISOString();
      this.#live.delete(t.id);
      await this.#store.save(t);
    } else return false;
    return true;
  }

  /** Deletes a test that is not queued or running, with its results. */
  async delete(t: TestRecord): Promise<void> {
    this.#live.delete(t.id);
    await this.#remove(t);
  }

  /** Starts queued tests, oldest queued first, while runners are free. */
  pump(): void {
    while (this.#running < this.#options.runners && !this.#closing) {
      const next = this.#store.list().filter((t) => t.status === "queued")
        .sort((a, b) => (a.queued_at ?? "").localeCompare(b.queued_at ?? ""))[0];
      if (!next) return;
      this.#running++;
      this.#execute(next).finally(() => {
        this.#running--;
        this.pump();
      });
    }
  }

  /**
   * Deletes the oldest finished tests beyond `maxTests`, counting `ending` (not yet saved) as
   * finished; true when `ending` itself was deleted.
   */
  async prune(ending?: TestRecord): Promise<boolean> {
    const all = this.#store.list().map((t) => t.id === ending?.id ? ending : t);
    const finished = all.filter((t) => FINISHED.includes(t.status));
    let gone = false;
    for (const t of finished.slice(0, Math.max(0, all.length - this.#options.maxTests))) {
      gone ||= t.id === ending?.id;
      await this.#remove(t);
    }
    return gone;
  }

  /** Starts no more tests, stops running ones (they end as `interrupted`), waits for them. */
  async close(): Promise<void> {
    this.#closing = true;
    for (const l of this.#live.values()) {
      if (l.abort && !l.abort.signal.aborted) {
        l.stoppedBy = "shutdown";
        l.abort.abort();
      }
    }
    while (this.#running > 0) await new Promise((r) => setTimeout(r, 20));
  }

  async #execute(t: TestRecord): Promise<void> {
    const l = this.#live.get(t.id) ?? { args: t.args, secrets: [] };
    this.#live.set(t.id, l);
    const abort = l.abort = new AbortController();
    const out = join(this.#options.dataDir, "runs", t.id);
    t.status = "running";
    t.started_at = new Date().toISOString();
    await this.#store.save(t);
    let end: RunEnd;
    try {
      end = await this.#run(t, l, out);
    } catch (e) {
      const problems = e instanceof UsageError ? e.problems.join("; ") : (e as Error).message;
      end = {
        status: abort.signal.aborted ? stoppedStatus(l) : "failed",
        error: redact(problems, l.secrets),
        runDir: t.run_dir ?? await findRunDir(out),
      };
    }
    if (end.status === "interrupted") {
      end.error ??= "the agent was stopped while this test ran; its results hold what finished";
    }
    const ended: TestRecord = {
      ...t,
      status: end.status,
      ...(end.runDir ? { run_dir: end.runDir } : {}),
      ...(end.error ? { error: end.error } : {}),
      ended_at: new Date().toISOString(),
    };
    this.#live.delete(t.id);
    // Pruned before the end is published: whoever sees the test end sees the store pruned.
    if (!(await this.prune(ended))) await this.#store.save(ended);
  }

  /** Plans the test again with its real `--out` and runs it; throws when it cannot run. */
  async #run(t: TestRecord, l: Live, out: string): Promise<RunEnd> {
    const job = planJob(this.#options, t.scenario, [...l.args, "--out", out]);
    const commandLine = ["llmload", "run", ...(t.scenario ? [t.scenario] : []), ...t.args];
    for (const plan of jobPlans(job)) plan.commandLine = commandLine;
    const stopWatching = this.#watchRunDir(t, out);
    const outcome = await runJob(job, {
      log: (line) => this.#options.log(`test ${t.id}: ${redact(line, l.secrets)}`),
      status: (line) => l.progress = line,
      isTty: true,
      quiet: false,
      interrupt: l.abort?.signal,
      stopReason: () =>
        l.stoppedBy === "shutdown" ? "agent stopped" : l.stoppedBy && "cancelled by the API",
    }, {
      onPart: (part: JobPart, of: number) => {
        l.part = { ...part, of };
        l.progress = undefined;
      },
    }).finally(stopWatching);
    if (outcome.teardownError) {
      return {
        status: "failed",
        error: redact(outcome.teardownError.message, l.secrets),
        runDir: outcome.dir,
      };
    }
    return { status: outcome.interrupted ? stoppedStatus(l) : "done", runDir: outcome.dir };
  }

  /**
   * The run directory exists once the run starts; recorded as soon as it does, so a test that
   * is interrupted still points at its partial results. Returns the stop function.
   */
  #watchRunDir(t: TestRecord, out: string): () => void {
    let over = false;
    const watch = setInterval(async () => {
      if (t.run_dir) return;
      const dir = await findRunDir(out);
      if (dir && !t.run_dir && !over) {
        t.run_dir = dir;
        await this.#store.save(t);
      }
    }, 200);
    return () => {
      over = true;
      clearInterval(watch);
    };
  }

  async #remove(t: TestRecord): Promise<void> {
    await this.#store.remove(t.id);
    await Deno.remove(join(this.#options.dataDir, "runs", t.id), { recursive: true })
      .catch(() => {});
  }
}

/** A stopped test: `cancelled` by a user, `interrupted` when the agent itself stopped. */
function stoppedStatus(l: Live): "cancelled" | "interrupted" {
  return l.stoppedBy === "shutdown" ? "interrupted" : "cancelled";
}

/** The one run directory under a test's results folder, if it exists yet. */
async function findRunDir(out: string): Promise<string | undefined> {
  try {
    for await (const e of Deno.readDir(out)) if (e.isDirectory) return join(out, e.name);
  } catch {
    // Not created yet.
  }
  return undefined;
}
