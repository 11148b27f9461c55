/** `report.md` of a run, sweep or comparison directory, as a {@link Reporter}. */

import type { Reporter } from "../reporter.ts";
import {
  renderCompareMarkdown,
  renderRunMarkdown,
  renderSweepMarkdown,
} from "./markdown_report.ts";

export const markdownReporter: Reporter = {
  medium: "markdown",
  fileName: "report.md",
  render(input) {
    switch (input.kind) {
      case "run":
        return renderRunMarkdown(input.run);
      case "sweep":
        return renderSweepMarkdown(input.sweep);
      case "compare":
        return renderCompareMarkdown(input.compare);
    }
  },
};
