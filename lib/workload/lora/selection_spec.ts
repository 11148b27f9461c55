/**
 * How each request picks its adapter: the strategy names, their parameters, parsing from a flag
 * value, and validation against the adapter set. The draws themselves are in
 * `adapter_selector.ts`.
 */

/** Strategies that need no parameter. */
export type PlainStrategy =
  | "none"
  | "dataset"
  | "shuffle"
  | "round-robin"
  | "distinct"
  | "uniform"
  | "identical";

/** Every strategy name, as the flag spells it. */
export const SELECTION_STRATEGIES = [
  "none",
  "dataset",
  "shuffle",
  "round-robin",
  "weighted",
  "zipf",
  "distinct",
  "uniform",
  "identical",
] as const;

/** A strategy name. */
export type SelectionStrategy = typeof SELECTION_STRATEGIES[number];

/**
 * A selection strategy with its parameters (see `adapter_selector.ts` for exact definitions):
 * - `weighted`: `weights` maps adapter name → weight (> 0); only named adapters are drawn.
 * - `zipf`: skew `s` > 0; the set's first adapter is the most popular.
 */
export type SelectionSpec =
  | { strategy: PlainStrategy }
  | { strategy: "weighted"; weights: Record<string, number> }
  | { strategy: "zipf"; s: number };

/** The zipf skew used when `zipf` is given without `:S`. */
export const DEFAULT_ZIPF_S = 1;

/**
 * Parses a strategy: a plain name (`round-robin`), `zipf` or `zipf:S` (S > 0), or
 * `weighted:NAME=W,NAME=W` (each W > 0). Returns the spec or what is wrong (`what` names the
 * flag in messages). Adapter names in weights are checked later, against the set.
 */
export function parseSelection(
  text: string,
  options: { what?: string } = {},
): SelectionSpec | { problem: string } {
  const what = options.what ?? "adapter selection";
  const t = text.trim();
  const colon = t.indexOf(":");
  const name = colon < 0 ? t : t.slice(0, colon);
  const arg = colon < 0 ? undefined : t.slice(colon + 1).trim();
  if (!(SELECTION_STRATEGIES as readonly string[]).includes(name)) {
    return {
      problem: `${what} must be one of ${SELECTION_STRATEGIES.join(", ")} (got "${text}")`,
    };
  }
  if (name === "zipf") {
    if (arg === undefined) return { strategy: "zipf", s: DEFAULT_ZIPF_S };
    const s = Number(arg);
    if (arg === "" || !Number.isFinite(s) || s <= 0) {
      return { problem: `${what} zipf:S needs a skew S > 0, e.g. zipf:1.1 (got "${text}")` };
    }
    return { strategy: "zipf", s };
  }
  if (name === "weighted") {
    const want = `${what} weighted needs NAME=WEIGHT pairs, e.g. weighted:sql-lora=3,chat-lora=1`;
    if (!arg) return { problem: `${want} (got "${text}")` };
    const weights: Record<string, number> = {};
    const bad: string[] = [];
    for (const pair of arg.split(",")) {
      const eq = pair.indexOf("=");
      const key = eq < 0 ? "" : pair.slice(0, eq).trim();
      const w = eq < 0 ? NaN : Number(pair.slice(eq + 1).trim());
      if (key === "" || pair.slice(eq + 1).trim() === "" || !Number.isFinite(w)) {
        bad.push(`"${pair.trim()}"`);
      } else weights[key] = w;
    }
    if (bad.length > 0) return { problem: `${want} (bad: ${bad.join(", ")})` };
    return { strategy: "weighted", weights };
  }
  if (arg !== undefined) {
    return { problem: `${what} ${name} takes no parameter (got "${text}")` };
  }
  return { strategy: name as PlainStrategy };
}

/** The spec written back as a flag value, for meta.json: `zipf:1.1`, `weighted:a=3,b=1`. */
export function describeSelection(spec: SelectionSpec): string {
  if (spec.strategy === "zipf") return `zipf:${spec.s}`;
  if (spec.strategy === "weighted") {
    return `weighted:${Object.entries(spec.weights).map(([k, w]) => `${k}=${w}`).join(",")}`;
  }
  return spec.strategy;
}

/** What a strategy is checked against. */
export interface SelectionContext {
  /** The adapter set's names, in set order. */
  adapters: readonly string[];
  /** Batch size B (the run's concurrency), for distinct, uniform and identical. */
  batchSize?: number;
  /** How many dataset items the run has, for `dataset` (0 or absent: no dataset). */
  datasetItems?: number;
  /** Names the strategy in messages (default "adapter selection"). */
  what?: string;
}

/** Adapters `uniform` draws each batch from: √B rounded to the nearest integer, at least 1. */
export function uniformPoolSize(batchSize: number): number {
  return Math.max(1, Math.round(Math.sqrt(batchSize)));
}

/** Every problem with `spec` in `context`, as messages; empty when the selection can run. */
export function selectionProblems(spec: SelectionSpec, context: SelectionContext): string[] {
  const what = `${context.what ?? "adapter selection"} ${spec.strategy}`;
  const names = context.adapters;
  const n = names.length;
  const problems: string[] = [];
  const needSet = () => {
    if (n === 0) {
      problems.push(`${what} needs an adapter set; give --adapters, --adapters-dir or a dataset`);
    }
  };
  const needBatch = (): number | undefined => {
    const b = context.batchSize;
    if (b === undefined || !Number.isInteger(b) || b < 1) {
      problems.push(`${what} needs a batch size (the concurrency) ≥ 1 (got ${b})`);
      return undefined;
    }
    return b;
  };
  switch (spec.strategy) {
    case "none":
      break;
    case "dataset":
      if (!context.datasetItems) {
        problems.push(`${what} takes each request's adapter from the dataset; give --dataset`);
      }
      break;
    case "shuffle":
    case "round-robin":
    case "identical":
      needSet();
      if (spec.strategy === "identical") needBatch();
      break;
    case "distinct": {
      needSet();
      const b = needBatch();
      if (n > 0 && b !== undefined && n < b) {
        problems.push(
          `${what} gives each of the ${b} requests of a batch its own adapter, but the set has ` +
            `only ${n}; add adapters or lower the concurrency to ${n}`,
        );
      }
      break;
    }
    case "uniform": {
      needSet();
      const b = needBatch();
      if (n > 0 && b !== undefined && n < uniformPoolSize(b)) {
        problems.push(
          `${what} draws each batch of ${b} from ${uniformPoolSize(b)} adapters (√${b} rounded), ` +
            `but the set has only ${n}; add adapters or lower the concurrency`,
        );
      }
      break;
    }
    case "zipf":
      needSet();
      if (!(Number.isFinite(spec.s) && spec.s > 0)) {
        problems.push(`${what} needs a skew s > 0 (got ${spec.s})`);
      }
      break;
    case "weighted": {
      needSet();
      const entries = Object.entries(spec.weights);
      if (entries.length === 0) {
        problems.push(`${what} needs at least one NAME=WEIGHT, e.g. weighted:${names[0] ?? "a"}=1`);
      }
      for (const [name, w] of entries) {
        if (n > 0 && !names.includes(name)) {
          problems.push(
            `${what}: "${name}" is not in the adapter set (known: ${names.join(", ")})`,
          );
        }
        if (!(Number.isFinite(w) && w > 0)) {
          problems.push(`${what}: weight of "${name}" must be a number > 0 (got ${w})`);
        }
      }
      break;
    }
  }
  return problems;
}
