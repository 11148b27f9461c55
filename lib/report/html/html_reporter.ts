/** `report.html` of a run, sweep or comparison directory, as a {@link Reporter}. */

import type { Reporter } from "../reporter.ts";

export const htmlReporter: Reporter = {
  medium: "html",
  fileName: "report.html",
  // The renderers and their chart library are imported on first use: loaded eagerly they would
  // add ~170 ms to every start of the CLI.
  async render(input) {
    const html = await import("./html_report.ts");
    switch (input.kind) {
      case "run":
        return html.renderRunHtml(input.run);
      case "sweep":
        return html.renderSweepHtml(input.sweep);
      case "compare":
        return html.renderCompareHtml(input.compare);
    }
  },
};
