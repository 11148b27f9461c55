/**
 * A GitHub-flavoured Markdown table, aligned as `deno fmt` leaves it: the first column left-
 * aligned (labels), the others right-aligned (numbers). Pipes in cells are escaped.
 */

/** Options of {@link markdownTable}. */
export interface MarkdownTableOptions {
  /** Left-align every column (label / text tables); default: only the first. */
  allLeft?: boolean;
}

/** Renders `columns` and `rows` (cells as text) as aligned table lines, no trailing newline. */
export function markdownTable(
  columns: readonly string[],
  rows: readonly string[][],
  options: MarkdownTableOptions = {},
): string {
  const left = (j: number) => j === 0 || options.allLeft === true;
  const esc = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");
  const head = columns.map(esc);
  const body = rows.map((r) => r.map(esc));
  const widths = head.map((c, j) =>
    Math.max(j === 0 ? 3 : 2, c.length, ...body.map((r) => (r[j] ?? "").length))
  );
  const line = (cells: string[]) =>
    "| " +
    widths.map((w, j) => (left(j) ? (cells[j] ?? "").padEnd(w) : (cells[j] ?? "").padStart(w)))
      .join(" | ") +
    " |";
  const rule = "| " +
    widths.map((w, j) => (left(j) ? "-".repeat(w) : "-".repeat(w - 1) + ":")).join(" | ") + " |";
  return [line(head), rule, ...body.map(line)].join("\n");
}
