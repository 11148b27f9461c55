const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration such as `500ms`, `60s`, `5m`, `1h` or `1m30s` into milliseconds.
 * A bare number means seconds. Returns undefined when the text is not a duration.
 */
export function parseDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (const m of trimmed.matchAll(part)) {
    total += Number(m[1]) * UNITS_MS[m[2]];
    matched += m[0].length;
  }
  return matched > 0 && matched === trimmed.length ? total : undefined;
}

/** Formats milliseconds for people: `850ms`, `12.5s`, `3m20s`. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s ? `${m}m${s}s` : `${m}m`;
}
