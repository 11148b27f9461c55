/**
 * The send path of a run, the same on the main thread and in every worker thread (like vegeta's
 * `hit`): given request specs and the client settings, sends slot `index`, marks its cold start
 * and hands the record on. Records of arrivals dropped at the `--max-in-flight` cap go the same
 * way, so both threads' files read alike.
 */

import { sendRequest } from "../client/stream_client.ts";
import type { Transport } from "../client/transport.ts";
import type { ClientConfig, RequestSpec } from "../client/types.ts";
import type { RunPlan } from "../config/run_plan.ts";
import type { Dispatch, Slot } from "../load/types.ts";
import type { RequestRecord } from "../metrics/record.ts";
import { droppedRecord } from "./request_specs.ts";
import type { SessionSpecs } from "./session_specs.ts";

/** Where a run's requests go and what ends them, besides the plan's timeouts. */
export interface ClientWhere {
  baseUrl: string;
  /** The socket transport's pool; absent for fetch. */
  transport?: Transport;
  /** `performance.now()` of time 0 in this thread. */
  origin: number;
  /** Ends in-flight requests (`cancel`, else `interrupt`). */
  signal?: AbortSignal;
  countOutputTokens?: (text: string) => number;
}

/** The client settings every request of `plan` is sent with. */
export function runClientConfig(plan: RunPlan, where: ClientWhere): ClientConfig {
  return {
    transport: where.transport,
    baseUrl: where.baseUrl,
    apiKey: plan.target.apiKey,
    timeoutMs: plan.timeouts.requestMs,
    connectTimeoutMs: plan.timeouts.connectMs,
    ttftTimeoutMs: plan.timeouts.ttftMs,
    origin: where.origin,
    signal: where.signal,
    countOutputTokens: where.countOutputTokens,
  };
}

/** What {@link createSendPath} needs. */
export interface SendPathOptions {
  /** The served model: never a cold start. */
  model: string;
  specFor: (index: number) => RequestSpec;
  /** Sessions: each turn's request from its session's history instead of `specFor`. */
  sessions?: SessionSpecs;
  client: ClientConfig;
  /** Called as each request goes (live progress, batch counts). */
  onSent(): void;
  /** Every finished or dropped request's record, once. */
  onRecord(record: RequestRecord): void;
}

/** One thread's send path. */
export interface SendPath {
  /** Sends request `slot.index` and records it (the executor's dispatch). */
  dispatch: Dispatch;
  /** Records an open-loop arrival dropped at a full `--max-in-flight` cap (never sent). */
  onDrop(slot: Slot): void;
  /**
   * Records a request another thread sent. Each worker marks its own first send to an adapter;
   * only the run's first stays a cold start.
   */
  adopt(record: RequestRecord): void;
}

/** Builds a thread's send path; the first request sent to each adapter is its cold start. */
export function createSendPath(options: SendPathOptions): SendPath {
  const { specFor, sessions, client, onRecord } = options;
  const specOf = (slot: Slot) =>
    sessions && slot.session !== undefined ? sessions.specFor(slot) : specFor(slot.index);
  const sentTo = new Set<string>([options.model]);
  return {
    dispatch: async (slot) => {
      const spec = specOf(slot);
      const cold = !sentTo.has(spec.model);
      sentTo.add(spec.model);
      options.onSent();
      const onOutputText = sessions && ((text: string) => sessions.answered(slot, text));
      const record = await sendRequest({ ...slot, spec, onOutputText }, client);
      if (cold) record.coldStart = true;
      onRecord(withTurn(record, slot));
    },
    onDrop: (slot) => {
      const spec = specOf(slot);
      if (slot.session !== undefined) sessions?.forget(slot.session);
      onRecord(withTurn(droppedRecord(slot, spec), slot));
    },
    adopt: (r) => {
      if (r.coldStart && r.model !== undefined && sentTo.has(r.model)) delete r.coldStart;
      if (r.model !== undefined) sentTo.add(r.model);
      onRecord(r);
    },
  };
}

/** `record` with its session and turn, for a session's turn. */
function withTurn(record: RequestRecord, slot: Slot): RequestRecord {
  if (slot.session === undefined) return record;
  record.sessionId = slot.session;
  record.turn = slot.turn;
  return record;
}
