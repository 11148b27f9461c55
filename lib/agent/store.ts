/**
 * Tests on disk: one `<data-dir>/tests/<id>.json` per test, written atomically, so a restarted
 * agent knows every test. Secrets never reach these files (the caller stores redacted args).
 */
import { join } from "node:path";
import { writeFileAtomic } from "../fs/atomic_write.ts";
import type { JobPart, ResultKind } from "./job.ts";

/** A test's lifecycle states. */
export type TestStatus =
  | "registered"
  | "queued"
  | "running"
  | "done"
  | "failed"
  | "cancelled"
  | "interrupted";

/** What is stored about one test (secrets redacted). */
export interface TestRecord {
  id: string;
  name?: string;
  status: TestStatus;
  scenario?: string;
  /** What its results directory holds: one run (absent: a run), a sweep or a LoRA comparison. */
  kind?: ResultKind;
  /** A sweep's points or a comparison's runs, in the order they run. */
  parts?: JobPart[];
  /** The run's flags, secrets shown as `***`. */
  args: string[];
  /** True when the registration carried secrets (held in memory only). */
  has_secrets: boolean;
  created_at: string;
  queued_at?: string;
  started_at?: string;
  ended_at?: string;
  /** The run directory, once the run has one. */
  run_dir?: string;
  error?: string;
}

/** Statuses after which a test never changes again. */
export const FINISHED: readonly TestStatus[] = ["done", "failed", "cancelled", "interrupted"];

/** Reads and writes test records under `<dataDir>/tests/`. */
export class TestStore {
  readonly #dir: string;
  readonly tests = new Map<string, TestRecord>();

  constructor(dataDir: string) {
    this.#dir = join(dataDir, "tests");
  }

  /** Loads every stored test; one that was running when the agent died becomes interrupted. */
  async load(): Promise<void> {
    await Deno.mkdir(this.#dir, { recursive: true });
    for await (const e of Deno.readDir(this.#dir)) {
      if (!e.isFile || !e.name.endsWith(".json")) continue;
      try {
        const t = JSON.parse(await Deno.readTextFile(join(this.#dir, e.name))) as TestRecord;
        this.tests.set(t.id, t);
      } catch {
        // A foreign or unreadable file is not a test; leave it alone.
      }
    }
    for (const t of this.tests.values()) {
      if (t.status === "running") {
        t.status = "interrupted";
        t.ended_at = new Date().toISOString();
        t.error = "the agent stopped while this test ran; requests.jsonl holds what finished";
        await this.save(t);
      }
    }
  }

  /** Writes one test's record atomically. */
  async save(t: TestRecord): Promise<void> {
    this.tests.set(t.id, t);
    await writeFileAtomic(join(this.#dir, `${t.id}.json`), JSON.stringify(t, null, 2) + "\n");
  }

  /** Removes a test's record (not its run directory; the caller decides). */
  async remove(id: string): Promise<void> {
    this.tests.delete(id);
    await Deno.remove(join(this.#dir, `${id}.json`)).catch(() => {});
  }

  /** Tests, oldest first. */
  list(): TestRecord[] {
    return [...this.tests.values()].sort((a, b) => a.created_at.localeCompare(b.created_at));
  }
}
