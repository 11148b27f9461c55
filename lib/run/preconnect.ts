/**
 * `--preconnect N|off|auto`: open keep-alive connections before the run's time 0, so the first
 * wave of a high-concurrency closed loop does not pay (and measure) 1000 simultaneous TCP
 * connects into the server's accept queue. Each thread that sends load opens its own share
 * (the main thread, or every `--workers` thread for its shard), before the clock starts.
 *
 * Only the socket transport has a pool it can fill; with fetch a preconnect is skipped and
 * meta.json says so (Deno's fetch pool cannot be filled from outside: N warm-up requests with
 * at most 32 outstanding would reuse the same 32 connections).
 */
import type { RunPlan } from "../config/run_plan.ts";
import { type Shard, shareOf } from "../load/shard.ts";
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  type PreconnectResult,
  type SocketTransport,
} from "../client/socket_transport.ts";
import type { WireTransport } from "../client/transport_choice.ts";

/** `auto` preconnects closed loops from this many users on. */
export const AUTO_PRECONNECT_MIN_USERS = 64;

/** What meta.json records under `preconnect`. */
export interface PreconnectMeta {
  /** The flag: a number, "off" or "auto". */
  requested: number | "off" | "auto";
  /** Connections this host meant to open (all its threads). */
  planned: number;
  /** Opened and pooled before time 0. */
  opened: number;
  failed: number;
  /** Slowest thread's preconnect, ms. */
  ms: number;
  /** Why nothing was opened, when nothing was. */
  skipped?: string;
  first_error?: string;
}

/** Users of a closed loop (its largest stage for staged loads); undefined for an open loop. */
function closedUsers(plan: RunPlan): number | undefined {
  if (plan.load.mode !== "closed") return undefined;
  if (plan.load.concurrency !== undefined) return plan.load.concurrency;
  return Math.max(0, ...(plan.load.stages ?? []).map((s) => s.concurrency));
}

/**
 * Connections the whole plan opens before time 0 (every shard together), and why none when 0.
 * `auto`: one per user for closed loops of {@link AUTO_PRECONNECT_MIN_USERS}+ users; not for
 * open loops (how many are needed at once is unknown), nor with `--start-at` or a `--ramp`
 * longer than the pool's idle timeout (connections idle that long are closed unused).
 */
export function preconnectTotal(
  plan: RunPlan,
  transport: WireTransport,
): { total: number; skipped?: string } {
  const flag = plan.preconnect ?? "auto";
  if (flag === "off") return { total: 0, skipped: "--preconnect off" };
  let total: number;
  if (flag === "auto") {
    const users = closedUsers(plan);
    if (users === undefined) return { total: 0, skipped: "auto: open loop" };
    if (users < AUTO_PRECONNECT_MIN_USERS) {
      return { total: 0, skipped: `auto: fewer than ${AUTO_PRECONNECT_MIN_USERS} users` };
    }
    if (plan.startAtEpochMs !== undefined) return { total: 0, skipped: "auto: --start-at" };
    if (plan.load.mode === "closed" && (plan.load.rampMs ?? 0) > DEFAULT_IDLE_TIMEOUT_MS) {
      return { total: 0, skipped: `auto: --ramp longer than ${DEFAULT_IDLE_TIMEOUT_MS} ms` };
    }
    total = users;
  } else {
    total = flag;
  }
  if (transport !== "socket") return { total: 0, skipped: "fetch transport has no pool to fill" };
  return { total };
}

/** This shard's part of `total` (a closed loop's users of that shard). */
export function preconnectShare(total: number, shard: Shard | undefined): number {
  return shard === undefined ? total : shareOf(shard, total);
}

/** Opens `n` connections on `transport` to the run's chat/completions URL. */
export function preconnect(
  transport: SocketTransport,
  baseUrl: string,
  n: number,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<PreconnectResult> {
  if (n <= 0) return Promise.resolve({ opened: 0, failed: 0, ms: 0 });
  // The pool is keyed by scheme://host:port, so any path on the base URL fills the right one.
  return transport.preconnect(baseUrl, n, options);
}

/** One log line about a preconnect that did something (or failed to). */
export function preconnectLine(result: PreconnectResult, planned: number): string {
  const base = `preconnect: ${result.opened} of ${planned} connections opened in ${
    result.ms.toFixed(0)
  } ms`;
  return result.failed > 0 ? `${base}; ${result.failed} failed (${result.firstError})` : base;
}
