/**
 * vLLM's `vllm:lora_requests_info` gauge, read from a `/metrics` page (Prometheus text): which
 * adapters are running and which are waiting right now, and `max_lora`. vLLM labels the gauge
 * only with these three labels and sets its value to the sample time; the adapter lists are
 * comma-separated (empty when none). Pure: text in, one reading out.
 */

/** One reading of `vllm:lora_requests_info`. */
export interface LoraRequestsInfo {
  /** `max_lora`: adapters one batch may hold; null when the label is missing or not a number. */
  maxLora: number | null;
  /** Adapters with running requests. */
  running: string[];
  /** Adapters with waiting requests. */
  waiting: string[];
}

const LINE = /^vllm:lora_requests_info\{([^}]*)\}\s+\S+/m;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

function list(v: string | undefined): string[] {
  return v ? v.split(",").map((s) => s.trim()).filter(Boolean) : [];
}

/**
 * The last `vllm:lora_requests_info` sample of a `/metrics` page (vLLM may keep one series per
 * label combination; the newest is written last), or undefined when the page has none (a server
 * without LoRA, or not vLLM).
 */
export function parseLoraRequestsInfo(text: string): LoraRequestsInfo | undefined {
  const matches = [...text.matchAll(new RegExp(LINE.source, "gm"))];
  if (matches.length === 0) return undefined;
  const labels: Record<string, string> = {};
  for (const m of matches[matches.length - 1][1].matchAll(LABEL)) {
    labels[m[1]] = m[2].replace(/\\(.)/g, "$1");
  }
  const max = Number(labels.max_lora);
  return {
    maxLora: labels.max_lora !== undefined && Number.isFinite(max) ? max : null,
    running: list(labels.running_lora_adapters),
    waiting: list(labels.waiting_lora_adapters),
  };
}
