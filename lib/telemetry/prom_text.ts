/**
 * The Prometheus text exposition format (0.0.4), two ways over one grammar:
 * - {@link readPromText}, for scraping servers: tolerant of what real exporters write (TYPE
 *   without HELP, blank lines, other comments, timestamps, OpenMetrics `# EOF`), strict about
 *   the grammar of each line. A line that breaks it is skipped and counted, never fatal, so one
 *   odd series cannot cost a run its server metrics.
 * - {@link parsePromText}, for checking the simulator's page in tests: accepts what
 *   prometheus_client writes and throws, naming the line, on anything else. Checks: every family
 *   has `# HELP` then `# TYPE` before its samples; names and label names are valid; label values
 *   use only the format's escapes; no duplicate families, label names or series; counters end in
 *   `_total` and are >= 0; histogram series have ascending `le` buckets with cumulative counts,
 *   a final `+Inf` bucket equal to `_count`, and a `_sum`.
 * Pure: text in, samples out. (No npm parser was used: `parse-prometheus-text-format`, the only
 * candidate, is a CommonJS package with a dependency, last changed in 2024 and little used.)
 */

/** One sample line. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One metric family (HELP + TYPE + samples). */
export interface PromFamily {
  name: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help: string;
  samples: PromSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const VALUE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]Inf|NaN)$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

function parseValue(text: string, where: string): number {
  if (!VALUE.test(text)) throw new Error(`${where}: bad value ${JSON.stringify(text)}`);
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  return Number(text);
}

function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  // Bounded: every iteration consumes at least one character.
  while (i < text.length) {
    const eq = text.indexOf("=", i);
    if (eq < 0) throw new Error(`${where}: label without '='`);
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) throw new Error(`${where}: bad label name ${JSON.stringify(name)}`);
    if (name in labels) throw new Error(`${where}: duplicate label ${name}`);
    if (text[eq + 1] !== '"') throw new Error(`${where}: label value must be quoted`);
    let value = "";
    let j = eq + 2;
    for (;; j++) {
      if (j >= text.length) throw new Error(`${where}: unterminated label value`);
      const c = text[j];
      if (c === '"') break;
      if (c === "\n") throw new Error(`${where}: raw newline in label value`);
      if (c === "\\") {
        const e = text[++j];
        if (e === "\\") value += "\\";
        else if (e === '"') value += '"';
        else if (e === "n") value += "\n";
        else throw new Error(`${where}: bad escape \\${e}`);
      } else value += c;
    }
    labels[name] = value;
    i = j + 1;
    if (i < text.length) {
      if (text[i] !== ",") throw new Error(`${where}: expected ',' between labels`);
      i++;
    }
  }
  return labels;
}

function seriesKey(labels: Record<string, string>, omit?: string): string {
  return JSON.stringify(
    Object.keys(labels).filter((k) => k !== omit).sort().map((k) => [
      k,
      labels[k],
    ]),
  );
}

function checkHistogram(f: PromFamily): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number; sum?: number }>();
  for (const s of f.samples) {
    const key = seriesKey(s.labels, "le");
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (s.name === `${f.name}_bucket`) {
      if (!("le" in s.labels)) throw new Error(`${f.name}: bucket without le`);
      entry.buckets.push([parseValue(s.labels.le, `${f.name} le`), s.value]);
    } else if (s.name === `${f.name}_count`) entry.count = s.value;
    else if (s.name === `${f.name}_sum`) entry.sum = s.value;
    else throw new Error(`${f.name}: unexpected sample ${s.name}`);
  }
  if (series.size === 0) throw new Error(`${f.name}: histogram without samples`);
  for (const [key, e] of series) {
    const where = `${f.name}${key}`;
    if (e.count === undefined || e.sum === undefined) throw new Error(`${where}: no _count/_sum`);
    for (let i = 1; i < e.buckets.length; i++) {
      if (!(e.buckets[i][0] > e.buckets[i - 1][0])) throw new Error(`${where}: le not ascending`);
      if (e.buckets[i][1] < e.buckets[i - 1][1]) throw new Error(`${where}: not cumulative`);
    }
    const last = e.buckets.at(-1);
    if (!last || last[0] !== Infinity) throw new Error(`${where}: no +Inf bucket last`);
    if (last[1] !== e.count) {
      throw new Error(`${where}: +Inf bucket ${last[1]} != _count ${e.count}`);
    }
  }
}

/** Parses `text` strictly; families by name, in page order. */
export function parsePromText(text: string): Map<string, PromFamily> {
  if (!text.endsWith("\n")) throw new Error("page must end with a newline");
  const families = new Map<string, PromFamily>();
  const seen = new Set<string>();
  let current: PromFamily | undefined;
  let pendingHelp: { name: string; help: string } | undefined;
  const lines = text.slice(0, -1).split("\n");
  for (const [n, line] of lines.entries()) {
    const where = `line ${n + 1}`;
    if (line.startsWith("# HELP ")) {
      const rest = line.slice(7);
      const sp = rest.indexOf(" ");
      const name = sp < 0 ? rest : rest.slice(0, sp);
      if (!NAME.test(name)) throw new Error(`${where}: bad metric name ${name}`);
      if (families.has(name) || pendingHelp) throw new Error(`${where}: HELP out of place`);
      pendingHelp = { name, help: sp < 0 ? "" : rest.slice(sp + 1) };
      current = undefined;
    } else if (line.startsWith("# TYPE ")) {
      const [name, type, ...extra] = line.slice(7).split(" ");
      if (!pendingHelp || pendingHelp.name !== name) {
        throw new Error(`${where}: TYPE ${name} without its HELP just before`);
      }
      if (!TYPES.has(type) || extra.length) throw new Error(`${where}: bad type ${type}`);
      if (type === "counter" && !name.endsWith("_total")) {
        throw new Error(`${where}: counter ${name} does not end in _total`);
      }
      current = {
        name,
        type: type as PromFamily["type"],
        help: pendingHelp.help,
        samples: [],
      };
      families.set(name, current);
      pendingHelp = undefined;
    } else if (line.startsWith("#") || line === "") {
      throw new Error(`${where}: unexpected line ${JSON.stringify(line)}`);
    } else {
      if (!current) throw new Error(`${where}: sample outside a family: ${line}`);
      const m = /^([^{ ]+)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
      if (!m) throw new Error(`${where}: bad sample line ${JSON.stringify(line)}`);
      const [, name, labelText, valueText] = m;
      if (!NAME.test(name)) throw new Error(`${where}: bad sample name ${name}`);
      const labels = labelText ? parseLabels(labelText, where) : {};
      const value = parseValue(valueText, where);
      const simple = current.type !== "histogram" && current.type !== "summary";
      if (simple && name !== current.name) {
        throw new Error(`${where}: sample ${name} in family ${current.name}`);
      }
      if (current.type === "counter" && !(value >= 0)) throw new Error(`${where}: counter < 0`);
      const key = name + seriesKey(labels);
      if (seen.has(key)) throw new Error(`${where}: duplicate series ${key}`);
      seen.add(key);
      current.samples.push({ name, labels, value });
    }
  }
  if (pendingHelp) throw new Error(`HELP ${pendingHelp.name} without TYPE`);
  for (const f of families.values()) {
    if (f.samples.length === 0) throw new Error(`${f.name}: family without samples`);
    if (f.type === "histogram") checkHistogram(f);
  }
  return families;
}

/** What {@link readPromText} found on a page. */
export interface PromPage {
  /** Every well-formed sample line, in page order. */
  samples: PromSample[];
  /** `# TYPE` declarations by family name. */
  types: Map<string, PromFamily["type"]>;
  /** Lines that broke the grammar (skipped). */
  malformedLines: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?[ \t]+(\S+)(?:[ \t]+-?\d+)?[ \t]*$/;

/**
 * Reads every sample of a `/metrics` page, skipping (and counting) lines that break the grammar.
 * A page with no sample and no `# TYPE` is not Prometheus text: callers check `samples.length`.
 * `keep` drops samples by name before their labels are parsed (a scraper that needs no
 * histogram buckets skips most of a vLLM page's lines that way).
 */
export function readPromText(
  text: string,
  options: { keep?: (name: string) => boolean } = {},
): PromPage {
  const samples: PromSample[] = [];
  const types = new Map<string, PromFamily["type"]>();
  let malformedLines = 0;
  for (const [n, raw] of text.split("\n").entries()) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") continue;
    if (line.startsWith("#")) {
      const m = /^#\s+TYPE\s+(\S+)\s+(\S+)\s*$/.exec(line);
      if (m && NAME.test(m[1]) && TYPES.has(m[2])) types.set(m[1], m[2] as PromFamily["type"]);
      continue; // HELP, EOF and free comments carry nothing we keep
    }
    if (options.keep) {
      const end = line.search(/[{ \t]/);
      if (end > 0 && !options.keep(line.slice(0, end))) continue;
    }
    const m = SAMPLE_LINE.exec(line);
    try {
      if (!m) throw new Error("bad line");
      const where = `line ${n + 1}`;
      samples.push({
        name: m[1],
        labels: m[2] ? parseLabels(m[2].replace(/,$/, ""), where) : {},
        value: parseValue(m[3], where),
      });
    } catch {
      malformedLines++;
    }
  }
  return { samples, types, malformedLines };
}
