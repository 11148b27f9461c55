import { defineScenario } from "../lib/config/scenario.ts";

/**
 * Shared-prefix groups: the same load with 1, 2, 4, 8 and 16 groups, each with its
 * own 2048-token prefix and 16 distinct 128-token questions, requests given to groups in turn.
 * With 4 users, more groups mean more requests whose prefix is not cached yet: the server's
 * prefix-cache hit rate falls and TTFT rises (the sweep table's "prefix hits" and "TTFT mean"
 * columns). Each run's terminal line puts the measured `/metrics` rate next to the plan's ideal
 * (meta.json `request.prefix_groups.ideal_hit_rate`). About 30 s against `--target sim`.
 */
export default defineScenario({
  name: "shared-prefix",
  description:
    "prefix-cache hit rate and TTFT vs number of shared-prefix groups (1-16), 2048-token prefixes",
  load: { concurrency: 4 },
  request: {
    maxTokens: 16,
    ignoreEos: true,
    prefixGroups: { prefixTokens: 2048, questionTokens: 128, promptsPerGroup: 16 },
  },
  stop: { requests: 48 },
  sweep: { axes: { prefixGroups: [1, 2, 4, 8, 16] } },
});
