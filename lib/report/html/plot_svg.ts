/**
 * The one door to the charting library. Charts are drawn at report time to inline SVG by
 * Observable Plot (`@observablehq/plot`, d3-based, ISC) on a tiny pure-JS DOM (`linkedom`), so
 * the HTML file needs no script and no network. Chosen over vega + vega-lite after timing both
 * in Deno on a 2,000-point line chart: Plot ~15–25 ms per chart warm and ~0.5 s cold start vs
 * vega's ~45–60 ms and ~1.6 s, about half the installed size (Plot + d3 + linkedom ~7 MB vs
 * ~12 MB), and no `xmlns` URLs in its output. Both are pure JS (no canvas, no fonts), so they
 * work in a `deno compile` binary. Pure: options in, SVG/HTML text out.
 */

import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

/** Plot's own `document` option type (the DOM lib is not in Deno's default types). */
type PlotDocument = NonNullable<Plot.PlotOptions["document"]>;

let doc: PlotDocument | undefined;

/**
 * Renders one Plot chart to markup: an `<svg>`, or a `<figure>` holding the legend and the
 * `<svg>` when the options ask for a legend.
 */
export function plotSvg(options: Plot.PlotOptions): string {
  doc ??= (parseHTML("<!doctype html><html><head></head><body></body></html>") as unknown as {
    document: unknown;
  }).document as PlotDocument;
  const el = Plot.plot({ ...options, document: doc }) as unknown as { outerHTML: string };
  return el.outerHTML;
}
