/**
 * The run's wire path, settled before time 0: `--transport auto` resolved against the proxy
 * environment (lib/client/transport_choice.ts), and `--preconnect` (preconnect.ts) planned for
 * the main thread or the workers. Kept out of run_benchmark.ts so the drive stays readable.
 */
import type { RunPlan } from "../config/run_plan.ts";
import {
  processEnv,
  proxyNotice,
  resolveTransport,
  type WireTransport,
} from "../client/transport_choice.ts";
import type { PreconnectResult, SocketTransport } from "../client/socket_transport.ts";
import {
  preconnect,
  preconnectLine,
  type PreconnectMeta,
  preconnectShare,
  preconnectTotal,
} from "./preconnect.ts";

/** The transport a run uses and how many connections it opens before time 0 (all shards). */
export interface RunWire {
  transport: WireTransport;
  /** Connections the whole plan preconnects (every host and thread together). */
  preconnectTotal: number;
  /** Why none, when none. */
  preconnectSkipped?: string;
}

/**
 * Resolves `--transport` for `baseUrl` under this process's environment, and logs one line
 * when `auto` fell back to fetch for a proxy, or when `--preconnect N` cannot apply (fetch).
 */
export function chooseRunWire(
  plan: RunPlan,
  baseUrl: string,
  log: (line: string) => void,
): RunWire {
  const { transport, proxy } = resolveTransport(plan.transport, baseUrl, processEnv());
  if (proxy) log(proxyNotice(baseUrl, proxy));
  const { total, skipped } = preconnectTotal(plan, transport);
  if (typeof plan.preconnect === "number" && transport === "fetch") {
    log("preconnect: skipped, the fetch transport has no connection pool llmload can fill");
  }
  return { transport, preconnectTotal: total, preconnectSkipped: skipped };
}

/**
 * The main thread's side of `--preconnect`: without workers, opens this host's share on
 * `socket`; with workers, takes what each opened while preparing. Returns meta.json's record.
 */
export async function warmConnections(
  plan: RunPlan,
  wire: RunWire,
  ctx: {
    socket: SocketTransport | undefined;
    /** Each worker's preconnect, when the load runs on workers. */
    workers: (PreconnectResult | undefined)[] | undefined;
    baseUrl: string;
    io: { log: (line: string) => void; quiet?: boolean; interrupt?: AbortSignal };
  },
): Promise<PreconnectMeta> {
  let results = ctx.workers;
  if (results === undefined) {
    const n = ctx.socket === undefined ? 0 : preconnectShare(wire.preconnectTotal, plan.shard);
    results = n === 0 ? [] : [
      await preconnect(ctx.socket!, ctx.baseUrl, n, {
        timeoutMs: plan.timeouts.connectMs,
        signal: ctx.io.interrupt,
      }),
    ];
  }
  return preconnectMeta(plan, wire, results, ctx.io);
}

/**
 * meta.json's `preconnect`: what this host's threads opened together before time 0. Logs one
 * line about it (unless quiet; always when a connect failed).
 */
export function preconnectMeta(
  plan: RunPlan,
  wire: RunWire,
  results: (PreconnectResult | undefined)[],
  io: { log: (line: string) => void; quiet?: boolean },
): PreconnectMeta {
  const done = results.filter((r): r is PreconnectResult => r !== undefined);
  let planned = 0;
  if (wire.preconnectTotal > 0) {
    // This host's share, split over its threads exactly as they split it.
    planned = preconnectShare(wire.preconnectTotal, plan.shard);
  }
  const meta: PreconnectMeta = {
    requested: plan.preconnect ?? "auto",
    planned,
    opened: done.reduce((n, r) => n + r.opened, 0),
    failed: done.reduce((n, r) => n + r.failed, 0),
    ms: Math.round(Math.max(0, ...done.map((r) => r.ms))),
  };
  if (wire.preconnectSkipped) meta.skipped = wire.preconnectSkipped;
  const firstError = done.find((r) => r.firstError)?.firstError;
  if (firstError) meta.first_error = firstError;
  if (planned > 0 && (!io.quiet || meta.failed > 0)) {
    io.log(preconnectLine({ ...meta, firstError }, planned));
  }
  return meta;
}
