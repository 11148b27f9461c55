/**
 * HTML building blocks shared by the run, sweep and compare reports: escaping, tables,
 * key/value lists, chart figures and the page shell with its inlined stylesheet. The page has
 * no script and links nothing outside itself, so it opens on an air-gapped box and reads the
 * same with JavaScript off. Pure.
 */

/** Escapes text for HTML element content and double-quoted attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A table cell: plain text (escaped), or a number shown right-aligned. */
export type Cell = string | number | null;

function cellHtml(c: Cell): string {
  if (c === null) return `<td class="num">–</td>`;
  if (typeof c === "number") return `<td class="num">${esc(formatNumber(c))}</td>`;
  return `<td>${esc(c)}</td>`;
}

/** A number for a table: integers as is, others with 3 significant decimals' worth of detail. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return v.toFixed(a >= 100 ? 1 : a >= 10 ? 2 : 3);
}

/** A table with a header row; `caption` is shown above it. */
export function htmlTable(
  headers: readonly string[],
  rows: readonly (readonly Cell[])[],
  options: { caption?: string; id?: string } = {},
): string {
  const id = options.id ? ` id="${esc(options.id)}"` : "";
  const caption = options.caption ? `<caption>${esc(options.caption)}</caption>` : "";
  const head = `<tr>${headers.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>`;
  const body = rows.map((r) => `<tr>${r.map(cellHtml).join("")}</tr>`).join("\n");
  return `<table${id}>${caption}<thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

/**
 * A JSON value flattened to `a.b[0].c` → text rows, for meta.json sections whose keys vary by
 * version (older runs lack them, newer ones add more). Nulls and empty objects are skipped.
 */
export function flatten(value: unknown, prefix = ""): [string, string][] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== "object")) {
      return value.length ? [[prefix, value.map(String).join(", ")]] : [];
    }
    return value.flatMap((v, i) => flatten(v, `${prefix}[${i}]`));
  }
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      flatten(v, prefix ? `${prefix}.${k}` : k)
    );
  }
  return [[prefix, typeof value === "number" ? formatNumber(value) : String(value)]];
}

/** Key/value rows as a two-column table; "not recorded" when there are none. */
export function keyValueTable(rows: readonly [string, string][], options: { id?: string } = {}) {
  if (rows.length === 0) return `<p class="muted">not recorded</p>`;
  return htmlTable(["key", "value"], rows, options);
}

/** One chart: an id tests and links can find, a title, and the library's SVG markup. */
export interface Chart {
  id: string;
  title: string;
  svg: string;
  /** One line under the chart saying how to read it. */
  note?: string;
}

/** Charts as figures in a responsive grid. */
export function chartGrid(charts: readonly Chart[]): string {
  if (charts.length === 0) return `<p class="muted">no data to chart</p>`;
  const figs = charts.map((c) =>
    `<figure class="chart" id="${esc(c.id)}"><figcaption>${esc(c.title)}</figcaption>${c.svg}${
      c.note ? `<p class="note">${esc(c.note)}</p>` : ""
    }</figure>`
  );
  return `<div class="charts">\n${figs.join("\n")}\n</div>`;
}

/** A section with a heading. */
export function section(id: string, title: string, body: string): string {
  return `<section id="${esc(id)}"><h2>${esc(title)}</h2>\n${body}\n</section>`;
}

const STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1360px; padding: 16px 24px; color: #1b1f24; background: #fff; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #d8dde3; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.muted, .note { color: #5b6570; }
.note { font-size: 12px; margin: 2px 0 0; }
.warning { background: #fff4d6; border: 1px solid #e0b44a; border-radius: 4px; padding: 6px 10px; }
table { border-collapse: collapse; margin: 6px 0 12px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid #d8dde3; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f5f7; }
td.num { text-align: right; white-space: nowrap; }
td.better { color: #17703a; } td.worse { color: #b3261e; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(620px, 1fr)); gap: 12px 20px; }
figure.chart { margin: 0; padding: 8px; border: 1px solid #e4e8ec; border-radius: 6px; min-width: 0; }
figure.chart figure { margin: 0; }
figure.chart figcaption { font-weight: 600; margin-bottom: 4px; }
figure.chart svg { max-width: 100%; height: auto; }
.kv { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 0 24px; }
code { font-size: 12px; background: #f3f5f7; padding: 1px 4px; border-radius: 3px; overflow-wrap: anywhere; }
.row { display: flex; flex-wrap: wrap; gap: 0 24px; align-items: flex-start; }
nav a { margin-right: 12px; }
`;

/** The whole page: title, inlined stylesheet, body. No script, no external reference. */
export function htmlPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
