/** Client health (lib/metrics/client_health.ts) as the terminal's one line. Pure. */

import type { ClientHealth } from "../../metrics/client_health.ts";
import { ms, pct } from "../client_health_text.ts";

/**
 * The terminal's line, e.g. `client healthy · 2 workers · loop lag p99 1.20 ms (worst: worker 2)
 * · CPU peak 41 % · send lateness p99 0.40 ms`, or the saturated message with its evidence.
 */
export function renderClientHealthLine(c: ClientHealth): string {
  if (c.verdict === "saturated") return `${c.message} (${c.evidence.join("; ")})`;
  const parts = [c.message];
  if (c.workers > 1) parts.push(`${c.workers} workers`);
  const worst = c.threads.reduce<ClientHealth["threads"][number] | undefined>(
    (a, b) => (a === undefined || (b.lag_p99_ms ?? 0) > (a.lag_p99_ms ?? 0) ? b : a),
    undefined,
  );
  if (worst) parts.push(`loop lag p99 ${ms(worst.lag_p99_ms)} (worst: ${worst.thread})`);
  const peak = Math.max(...c.threads.map((t) => t.cpu_peak_pct ?? -1));
  if (peak >= 0) parts.push(`CPU peak ${pct(peak)} of a core`);
  if (c.send_lateness_ms.p99 !== null) {
    parts.push(`send lateness p99 ${ms(c.send_lateness_ms.p99)}`);
  }
  return parts.join(" · ");
}
