/**
 * Whether a set of run directories are the shards of one plan, from their meta.json alone
 * (pure, for `llmload merge`): every shard 0 … N−1 exactly once, and the same plan apart from
 * the shard. The problems are listed together, so one UsageError says everything that is wrong.
 */

/** One input of a merge: its directory and parsed meta.json. */
export interface ShardRun {
  dir: string;
  meta: Record<string, unknown>;
}

/** The plan fields of meta.json that every shard must share (dotted paths). */
export const SHARED_PLAN_FIELDS = [
  "endpoint",
  "transport",
  "load",
  "stop",
  "warmup",
  "request",
  "seed",
  "timeouts",
  "target.model",
  "target.sim",
  "start_at",
  "gates",
  "prompt_length_mode",
  // A dataset may sit at another path on another host; its contents must match.
  "dataset.format",
  "dataset.items",
  "dataset.shuffle",
  "dataset.take",
  "dataset.fraction",
  "lora.mode",
  "lora.selection",
  "lora.adapter_count",
] as const;

function at(meta: Record<string, unknown>, path: string): unknown {
  let v: unknown = meta;
  for (const key of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** Keys sorted, so two objects written in another key order still compare equal. */
function canonical(v: unknown): string {
  if (v === undefined) return "absent";
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${
      Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")
    }}`;
  }
  return JSON.stringify(v);
}

/** What {@link checkShardSet} found. */
export interface ShardSetCheck {
  /** N, the shard count (0 when no input had a readable shard). */
  count: number;
  /** The inputs in shard order (0 … N−1) when there are no problems. */
  ordered: ShardRun[];
  problems: string[];
}

/**
 * Checks that `runs` are shards 0 … N−1 of one plan, each once: names every directory that
 * is not a shard, every missing or duplicated shard, and every plan field in which a shard
 * differs from the first.
 */
export function checkShardSet(runs: readonly ShardRun[]): ShardSetCheck {
  const problems: string[] = [];
  const byIndex = new Map<number, ShardRun[]>();
  const counts = new Set<number>();
  for (const run of runs) {
    const raw = run.meta.shard;
    const m = typeof raw === "string" ? /^(\d+)\/(\d+)$/.exec(raw) : null;
    if (!m) {
      problems.push(
        `"${run.dir}" is not a shard (its meta.json has no "shard"): merge the run ` +
          `directories of \`llmload run --shard i/N\`, one per shard`,
      );
      continue;
    }
    const index = Number(m[1]);
    counts.add(Number(m[2]));
    byIndex.set(index, [...byIndex.get(index) ?? [], run]);
  }
  if (counts.size > 1) {
    problems.push(
      `the shards are of different plans' splits (shard counts ${
        [...counts].sort().join(", ")
      }): ` +
        `merge the shards of one run`,
    );
  }
  const count = counts.size === 1 ? [...counts][0] : 0;
  const missing: number[] = [];
  for (let i = 0; i < count; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length > 0) {
    problems.push(
      `shard${missing.length > 1 ? "s" : ""} ${
        missing.map((i) => `${i}/${count}`).join(", ")
      } missing: give all ${count} shard directories`,
    );
  }
  for (const [index, list] of [...byIndex].sort((a, b) => a[0] - b[0])) {
    if (list.length > 1) {
      problems.push(
        `shard ${index}/${count} given ${list.length} times (${
          list.map((r) => `"${r.dir}"`).join(", ")
        }): give each shard once`,
      );
    }
  }
  const shards = runs.filter((r) => typeof r.meta.shard === "string");
  const first = byIndex.get(0)?.[0] ?? shards[0];
  for (const run of shards) {
    if (run === first) continue;
    const differs = SHARED_PLAN_FIELDS.filter((f) =>
      canonical(at(run.meta, f)) !== canonical(at(first.meta, f))
    );
    if (differs.length > 0) {
      problems.push(
        `"${run.dir}" ran another plan than "${first.dir}": ${
          differs.map((f) =>
            `${f} ${canonical(at(run.meta, f))} vs ${canonical(at(first.meta, f))}`
          ).join("; ")
        }; merge only shards run with the same flags apart from --shard`,
      );
    }
  }
  const ordered = problems.length > 0
    ? []
    : [...byIndex].sort((a, b) => a[0] - b[0]).map(([, list]) => list[0]);
  return { count, ordered, problems };
}
