import type { HookContext, ScenarioHook } from "../config/scenario.ts";

/**
 * A scenario hook that threw. The CLI prints its message (no stack) and exits 1: a runtime
 * failure of the user's code, not a usage error.
 */
export class HookError extends Error {
  constructor(readonly hook: "setup" | "teardown", cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      hook === "setup"
        ? `scenario setup failed: ${why} (no request was sent)`
        : `scenario teardown failed: ${why}`,
      { cause },
    );
    this.name = "HookError";
  }
}

/** One hook's run as recorded in meta.json / sweep.json; null when the scenario has no such hook. */
export interface HookRecord {
  /** Wall time the hook took, ms (outside every measured window). */
  ms: number;
  ok: boolean;
  error: string | null;
}

/** The resolved target a setup hook is told about. */
export interface HookTarget {
  baseUrl: string;
  model: string;
  apiKey?: string;
}

/**
 * Runs a scenario's setup at most once (when the target is first resolved, before any request)
 * and its teardown exactly once at the end, timing both. Teardown runs whenever setup was reached
 * (so also after setup threw, a failed point or Ctrl-C): a hook pair cleans up after itself. A
 * scenario with a teardown but no setup gets it too. If the target was never reached (unreachable
 * server, bad dataset), neither runs.
 */
export class ScenarioHooks {
  #setupRecord: HookRecord | null = null;
  #teardownRecord: HookRecord | null = null;
  #target: HookTarget | undefined;
  #tornDown = false;

  constructor(
    private readonly hooks: { setup?: ScenarioHook; teardown?: ScenarioHook },
    private readonly io: { log(line: string): void; interrupt?: AbortSignal },
  ) {}

  /**
   * Call with the resolved target before the clock starts; the first call runs setup (later
   * calls, e.g. the next sweep points, do nothing). Throws HookError when setup throws.
   */
  async beforeStart(target: HookTarget): Promise<void> {
    if (this.#target) return;
    this.#target = target;
    if (!this.hooks.setup) return;
    const signal = this.io.interrupt ?? new AbortController().signal;
    const error = await this.#run("setup", this.hooks.setup, signal);
    if (error) throw error;
  }

  /** Runs teardown once, if setup was reached. Never throws: returns its HookError instead. */
  async teardown(): Promise<HookError | undefined> {
    if (this.#tornDown || !this.#target || !this.hooks.teardown) return undefined;
    this.#tornDown = true;
    // A fresh signal: teardown runs after a Ctrl-C has aborted the run's signal.
    return await this.#run("teardown", this.hooks.teardown, new AbortController().signal);
  }

  /** What meta.json (a single run) or sweep.json (a sweep) records under `hooks`. */
  record(): { setup: HookRecord | null; teardown: HookRecord | null } {
    return { setup: this.#setupRecord, teardown: this.#teardownRecord };
  }

  async #run(
    name: "setup" | "teardown",
    hook: ScenarioHook,
    signal: AbortSignal,
  ): Promise<HookError | undefined> {
    const context: HookContext = {
      baseUrl: this.#target!.baseUrl,
      model: this.#target!.model,
      ...(this.#target!.apiKey === undefined ? {} : { apiKey: this.#target!.apiKey }),
      log: (line) => this.io.log(`${name}: ${line}`),
      signal,
    };
    const t0 = performance.now();
    let error: HookError | undefined;
    try {
      await hook(context);
    } catch (e) {
      error = new HookError(name, e);
    }
    const record: HookRecord = {
      ms: Math.round((performance.now() - t0) * 1000) / 1000,
      ok: error === undefined,
      error: error ? String((error.cause as Error)?.message ?? error.cause) : null,
    };
    if (name === "setup") this.#setupRecord = record;
    else this.#teardownRecord = record;
    return error;
  }
}
