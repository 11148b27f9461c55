/**
 * One line of `requests.jsonl` per request: the raw record in snake_case with explicit units,
 * plus a few derived per-request metrics for `jq` users. Times are ms from the run origin
 * (the same monotonic clock for every record; `meta.json` holds its wall-clock anchor), rounded
 * to 0.001 ms to keep lines short.
 *
 * `recordFromJsonl` is the inverse for the raw fields, so `llmload report` can recompute every
 * statistic from the file alone; the derived fields are ignored on read.
 */

import {
  ERROR_KINDS,
  type ErrorKind,
  type Phase,
  type RequestRecord,
  TOKEN_SOURCES,
  type TokenSource,
} from "../../metrics/record.ts";
import { requestMetrics } from "../../metrics/per_request.ts";

/**
 * The JSON shape of one `requests.jsonl` line. Absent optional values are written as null so
 * every line has the same keys; `token_counts` alone is omitted when every event carried one
 * token (the common case), to keep lines short.
 */
export interface RecordLine {
  index: number;
  phase: Phase;
  request_id: string;
  response_id: string | null;
  /** Closed-loop virtual user. */
  user: number | null;
  model: string | null;
  scheduled_at_ms: number;
  sent_at_ms: number;
  headers_at_ms: number | null;
  end_at_ms: number;
  /** Derived: first token - sent; null without tokens or when dropped. */
  ttft_ms: number | null;
  /** Derived: end - sent (time to failure for a failed request); null when dropped. */
  e2e_ms: number | null;
  /** Derived: (e2e - ttft) / (output_tokens - 1); null for fewer than 2 tokens. */
  tpot_ms: number | null;
  /** Per the server's usage. */
  prompt_tokens: number | null;
  requested_prompt_tokens: number | null;
  output_tokens: number;
  output_tokens_source: TokenSource;
  finish_reason: string | null;
  /** HTTP status, when headers arrived. */
  status: number | null;
  error: { kind: ErrorKind; message: string; status: number | null } | null;
  dropped: boolean;
  /** Arrival of every event that carried output, ms from the run origin. */
  token_times_ms: number[];
  /** Tokens per event, parallel to `token_times_ms`; omitted when all are 1. */
  token_counts?: number[];
  /** True on the first request sent to its LoRA adapter (a cold start); omitted otherwise. */
  cold_start?: boolean;
  /**
   * Time spent opening a new connection for this request (part of its TTFT), ms; omitted when
   * a pooled connection was reused or the transport cannot tell (fetch), and in older files.
   */
  connect_ms?: number;
  /**
   * Reasoning streams only (omitted otherwise, and in older files): the reasoning tokens among
   * `output_tokens`; when the first answer token event arrived, ms from the run origin; and,
   * derived, the time to first answer token (first answer - sent).
   */
  reasoning_tokens?: number;
  first_answer_at_ms?: number;
  ttfat_ms?: number;
  /** Sessions: the session this request is a turn of; omitted outside sessions. */
  session_id?: number;
  /** Sessions: the turn's number in its session, 1-based; omitted outside sessions. */
  turn?: number;
}

/** Rounds to 0.001 ms (1 µs): finer than any timing we can honestly claim. */
function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * `record` with its times rounded as requests.jsonl writes them (0.001 ms): what a live run
 * feeds its statistics, so a report recomputed from the file sees the very same values.
 */
export function roundedRecord(record: RequestRecord): RequestRecord {
  return {
    ...record,
    scheduledAt: round3(record.scheduledAt),
    sentAt: round3(record.sentAt),
    endAt: round3(record.endAt),
    ...(record.headersAt !== undefined ? { headersAt: round3(record.headersAt) } : {}),
    ...(record.connectMs !== undefined ? { connectMs: round3(record.connectMs) } : {}),
    ...(record.firstAnswerAt !== undefined ? { firstAnswerAt: round3(record.firstAnswerAt) } : {}),
    tokenTimes: record.tokenTimes.map(round3),
  };
}

/**
 * True when a run's records keep first and last token times only (`--token-times off`, meta.json
 * `records.token_times`): per-token ITL cannot be recomputed from its file.
 */
export function tokenTimesOff(meta: Record<string, unknown>): boolean {
  return (meta.records as { token_times?: unknown } | undefined)?.token_times === "off";
}

/**
 * `record` with its token events folded to the first and the last (`--token-times off`): the
 * last event carries every token after the first, so TTFT, E2E, TPOT and token totals read
 * back exactly, and ITL reads back as the request's mean gap. Fewer than 3 events: unchanged.
 */
export function foldTokenTimes(record: RequestRecord): RequestRecord {
  const t = record.tokenTimes;
  if (t.length < 3) return record;
  const counts = record.tokenCounts;
  let rest = 0;
  for (let i = 1; i < t.length; i++) {
    rest += counts[i] !== undefined && counts[i] >= 1 ? counts[i] : 1;
  }
  const first = counts[0] !== undefined && counts[0] >= 1 ? counts[0] : 1;
  return { ...record, tokenTimes: [t[0], t[t.length - 1]], tokenCounts: [first, rest] };
}

/**
 * Encodes `record` as one `requests.jsonl` line (no trailing newline). Derived metrics are
 * computed from the rounded times, so decoding and re-encoding a line reproduces it exactly.
 */
export function recordToJsonl(record: RequestRecord): string {
  return roundedRecordToJsonl(roundedRecord(record));
}

/**
 * {@link recordToJsonl} for a record already passed through {@link roundedRecord} (a live run
 * rounds each record once, for its statistics and its line alike: no second pass per token).
 */
export function roundedRecordToJsonl(rounded: RequestRecord): string {
  const record = rounded;
  const tokenTimes = rounded.tokenTimes;
  const m = record.dropped ? undefined : requestMetrics(rounded);
  const line: RecordLine = {
    index: record.index,
    phase: record.phase,
    request_id: record.requestId,
    response_id: record.responseId ?? null,
    user: record.user ?? null,
    model: record.model ?? null,
    scheduled_at_ms: rounded.scheduledAt,
    sent_at_ms: rounded.sentAt,
    headers_at_ms: record.headersAt === undefined ? null : round3(record.headersAt),
    end_at_ms: rounded.endAt,
    ttft_ms: m?.ttftMs === undefined ? null : round3(m.ttftMs),
    e2e_ms: m === undefined ? null : round3(m.e2eMs),
    tpot_ms: m?.tpotMs === undefined ? null : round3(m.tpotMs),
    prompt_tokens: record.promptTokens ?? null,
    requested_prompt_tokens: record.requestedPromptTokens ?? null,
    output_tokens: record.outputTokens,
    output_tokens_source: record.outputTokensSource,
    finish_reason: record.finishReason ?? null,
    status: record.status ?? null,
    error: record.error
      ? {
        kind: record.error.kind,
        message: record.error.message,
        status: record.error.status ?? null,
      }
      : null,
    dropped: record.dropped === true,
    token_times_ms: tokenTimes,
  };
  if (record.tokenCounts.some((k) => k !== 1)) line.token_counts = record.tokenCounts.slice();
  if (record.coldStart) line.cold_start = true;
  if (record.connectMs !== undefined) line.connect_ms = round3(record.connectMs);
  if (record.reasoningTokens !== undefined) line.reasoning_tokens = record.reasoningTokens;
  if (record.firstAnswerAt !== undefined) line.first_answer_at_ms = record.firstAnswerAt;
  if (m?.ttfatMs !== undefined) line.ttfat_ms = round3(m.ttfatMs);
  if (record.sessionId !== undefined) line.session_id = record.sessionId;
  if (record.turn !== undefined) line.turn = record.turn;
  return JSON.stringify(line);
}

/** Options of {@link recordFromJsonl}. */
export interface RecordFromJsonlOptions {
  /** 1-based line number, named in error messages. */
  lineNumber?: number;
}

/** The output token sources, as a bad line's message lists them. */
const SOURCES_TEXT = TOKEN_SOURCES.map((t) => `"${t}"`).join(", ").replace(/, ([^,]*)$/, " or $1");

/**
 * Decodes one `requests.jsonl` line into a {@link RequestRecord} (times as written, i.e. to
 * 0.001 ms). Null fields become absent ones and `dropped: false` becomes absent. Throws an
 * Error naming every invalid field, e.g. `requests.jsonl line 3: field "sent_at_ms" must be a
 * number (got "x")`.
 */
export function recordFromJsonl(line: string, options: RecordFromJsonlOptions = {}): RequestRecord {
  const where = options.lineNumber === undefined
    ? "requests.jsonl line"
    : `requests.jsonl line ${options.lineNumber}`;
  const o = parseLineObject(line, where);
  const problems: string[] = [];
  const f = fieldReader(o, problems);

  const phase = o.phase;
  if (phase !== "warmup" && phase !== "measure") f.bad("phase", `"warmup" or "measure"`);
  const source = o.output_tokens_source;
  if (!TOKEN_SOURCES.includes(source as TokenSource)) {
    f.bad("output_tokens_source", SOURCES_TEXT);
  }
  if (o.dropped !== undefined && typeof o.dropped !== "boolean") f.bad("dropped", "a boolean");

  const record: RequestRecord = {
    index: f.num("index"),
    phase: phase as Phase,
    requestId: f.str("request_id"),
    scheduledAt: f.num("scheduled_at_ms"),
    sentAt: f.num("sent_at_ms"),
    endAt: f.num("end_at_ms"),
    tokenTimes: f.numArray("token_times_ms", false)!,
    tokenCounts: [],
    outputTokens: f.num("output_tokens"),
    outputTokensSource: source as TokenSource,
  };
  const counts = f.numArray("token_counts", true);
  if (counts === undefined) record.tokenCounts = record.tokenTimes.map(() => 1);
  else if (counts.length !== record.tokenTimes.length) {
    problems.push(
      `field "token_counts" must have one entry per token time (${record.tokenTimes.length}, ` +
        `got ${counts.length})`,
    );
  } else record.tokenCounts = counts;
  readOptionalFields(o, f, record);
  readError(o.error, f, record);

  if (problems.length > 0) throw new Error(`${where}: ${problems.join("; ")}`);
  return record;
}

function parseLineObject(line: string, where: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${where}: expected a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

type FieldReader = ReturnType<typeof fieldReader>;

/** Typed reads of `o`'s fields; each wrong one adds a problem and reads as a placeholder. */
function fieldReader(o: Record<string, unknown>, problems: string[]) {
  const show = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v));
  const bad = (key: string, want: string) =>
    problems.push(`field "${key}" must be ${want} (got ${show(o[key])})`);
  return {
    bad,
    num(key: string): number {
      const v = o[key];
      if (typeof v === "number" && Number.isFinite(v)) return v;
      bad(key, "a number");
      return NaN;
    },
    optNum(key: string): number | undefined {
      const v = o[key];
      if (v === null || v === undefined) return undefined;
      if (typeof v === "number" && Number.isFinite(v)) return v;
      bad(key, "a number or null");
      return undefined;
    },
    str(key: string): string {
      const v = o[key];
      if (typeof v === "string") return v;
      bad(key, "a string");
      return "";
    },
    optStr(key: string): string | undefined {
      const v = o[key];
      if (v === null || v === undefined) return undefined;
      if (typeof v === "string") return v;
      bad(key, "a string or null");
      return undefined;
    },
    numArray(key: string, optional: boolean): number[] | undefined {
      const v = o[key];
      if (optional && v === undefined) return undefined;
      if (Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isFinite(x))) {
        return v as number[];
      }
      bad(key, "an array of numbers");
      return [];
    },
  };
}

/** The nullable fields, set on `record` only when present. */
function readOptionalFields(
  o: Record<string, unknown>,
  f: FieldReader,
  record: RequestRecord,
): void {
  const responseId = f.optStr("response_id");
  if (responseId !== undefined) record.responseId = responseId;
  const user = f.optNum("user");
  if (user !== undefined) record.user = user;
  const headersAt = f.optNum("headers_at_ms");
  if (headersAt !== undefined) record.headersAt = headersAt;
  const promptTokens = f.optNum("prompt_tokens");
  if (promptTokens !== undefined) record.promptTokens = promptTokens;
  const requested = f.optNum("requested_prompt_tokens");
  if (requested !== undefined) record.requestedPromptTokens = requested;
  const finishReason = f.optStr("finish_reason");
  if (finishReason !== undefined) record.finishReason = finishReason;
  const status = f.optNum("status");
  if (status !== undefined) record.status = status;
  if (o.dropped === true) record.dropped = true;
  if (o.cold_start === true) record.coldStart = true;
  const model = f.optStr("model");
  if (model !== undefined) record.model = model;
  const connectMs = f.optNum("connect_ms");
  if (connectMs !== undefined) record.connectMs = connectMs;
  const reasoningTokens = f.optNum("reasoning_tokens");
  if (reasoningTokens !== undefined) record.reasoningTokens = reasoningTokens;
  const firstAnswerAt = f.optNum("first_answer_at_ms");
  if (firstAnswerAt !== undefined) record.firstAnswerAt = firstAnswerAt;
  const sessionId = f.optNum("session_id");
  if (sessionId !== undefined) record.sessionId = sessionId;
  const turn = f.optNum("turn");
  if (turn !== undefined) record.turn = turn;
}

function readError(err: unknown, f: FieldReader, record: RequestRecord): void {
  if (err === null || err === undefined) return;
  const e = err as Record<string, unknown>;
  if (typeof e !== "object" || Array.isArray(e)) f.bad("error", "an object or null");
  else if (!ERROR_KINDS.includes(e.kind as ErrorKind) || typeof e.message !== "string") {
    f.bad("error", `{kind: one of ${ERROR_KINDS.join("|")}, message: string}`);
  } else {
    record.error = { kind: e.kind as ErrorKind, message: e.message };
    if (typeof e.status === "number") record.error.status = e.status;
  }
}
