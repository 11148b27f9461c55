/**
 * Timing fidelity of the client against the scripted loopback server (same process, same
 * thread, so server lateness counts against us too).
 *
 * A shared 2-core box can starve any thread for tens of ms when other processes run, and then
 * no client can keep 3 ms. So each check makes up to 5 attempts and passes on the first one
 * within tolerance. An attempt during which other threads or processes kept more than 0.3 of a
 * core busy (node:os CPU times less this thread's own) is "noisy"; if every attempt is out of
 * tolerance the test fails unless all of them were noisy, in which case it warns instead. Causality (no
 * token stamped before the server wrote it) and the lower bound on TTFT are checked on every
 * attempt regardless of noise.
 */
import assert from "node:assert/strict";
import os from "node:os";
import process from "node:process";
import { sendRequest } from "../../lib/client/stream_client.ts";
import type { ClientConfig, Job } from "../../lib/client/types.ts";
import { createSocketTransport } from "../../lib/client/socket_transport.ts";
import type { RequestRecord } from "../../lib/metrics/record.ts";
import {
  type Script,
  type ScriptedServer,
  startScriptedServer,
  wallToRunMs,
} from "../helpers/scripted_server.ts";

const TOLERANCE_MS = 3;
const ATTEMPTS = 5;
/** Other processes' CPU use (cores) above which an attempt counts as noisy. */
const NOISY_CORES = 0.3;

interface CpuSample {
  /** All CPUs' busy and total ms, and this thread's own busy ms. */
  busy: number;
  total: number;
  self: number;
}

/**
 * A CPU snapshot from node:os and node:process (no /proc: `deno task test` cannot read it). The
 * scripted server and the client share this thread, so "self" is this thread: other test files
 * running beside this one (`deno test --parallel`) count as other load, as they should.
 */
function cpuSample(): CpuSample | undefined {
  try {
    let busy = 0, total = 0;
    for (const { times: t } of os.cpus()) {
      busy += t.user + t.nice + t.sys;
      total += t.user + t.nice + t.sys + t.idle + t.irq;
    }
    const u = process.threadCpuUsage();
    return { busy, total, self: (u.user + u.system) / 1000 };
  } catch {
    return undefined;
  }
}

/** Cores' worth of CPU that other threads and processes used between two samples. */
function othersCores(a: CpuSample | undefined, b: CpuSample | undefined): number {
  if (!a || !b || b.total <= a.total) return 0;
  const others = (b.busy - a.busy) - (b.self - a.self);
  return Math.max(0, others / (b.total - a.total)) * navigator.hardwareConcurrency;
}

function job(index: number, script: Script): Job {
  return {
    index,
    phase: "measure",
    scheduledAt: 0,
    spec: { endpoint: "chat", model: "m", prompt: "hi", maxTokens: 64, extraBody: { script } },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Raw samples from one batch, ms. */
interface Samples {
  /** Measured TTFT (first token - sentAt) minus the scripted TTFT. */
  ttft: number[];
  /** Request transit: server receipt - sentAt. */
  sendLag: number[];
  /** First token - server receipt, minus the scripted TTFT. */
  ttftFromReceipt: number[];
  /** Measured ITL minus the scripted ITL. */
  itl: number[];
  /** Token arrival - the server's write of that token. */
  arrival: number[];
}

/** Runs `concurrency` streams (started `staggerMs` apart) and collects their timing errors. */
async function measure(
  server: ScriptedServer,
  config: ClientConfig,
  concurrency: number,
  staggerMs: number,
  script: Required<Pick<Script, "ttftMs" | "itlMs" | "tokens">>,
  into: Samples,
): Promise<void> {
  const records: RequestRecord[] = await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      await sleep(i * staggerMs);
      return sendRequest(job(i, script), config);
    }),
  );
  const run = (wall: number) => wallToRunMs(wall, config.origin);
  for (const r of records) {
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    assert.equal(r.tokenTimes.length, script.tokens);
    const log = server.byId(r.requestId)!;
    assert.equal(log.tokenWrites.length, script.tokens);
    into.ttft.push(r.tokenTimes[0] - r.sentAt - script.ttftMs);
    into.sendLag.push(run(log.receivedAt) - r.sentAt);
    into.ttftFromReceipt.push(r.tokenTimes[0] - run(log.receivedAt) - script.ttftMs);
    for (let i = 0; i < r.tokenTimes.length; i++) {
      into.arrival.push(r.tokenTimes[i] - run(log.tokenWrites[i]));
      if (i > 0) into.itl.push(r.tokenTimes[i] - r.tokenTimes[i - 1] - script.itlMs);
    }
  }
}

/**
 * Measured TTFT = request transit + server TTFT (scripted, plus its timer lateness) + response
 * transit. Each part is checked on its own so loopback transit, which no client controls,
 * does not eat the whole budget: request transit, TTFT from the server's receipt, ITL and
 * arrival-after-write each within 3 ms at the median. Raw TTFT from sentAt is reported too.
 */
async function checkTiming(
  transport: "fetch" | "socket",
  concurrency: number,
  staggerMs: number,
  reps: number,
) {
  await using server = startScriptedServer();
  using httpClient = Deno.createHttpClient({});
  using socket = createSocketTransport();
  const config: ClientConfig = {
    baseUrl: server.baseUrl,
    timeoutMs: 10_000,
    origin: performance.now(),
    ...(transport === "fetch" ? { httpClient } : { transport: socket }),
  };
  // Warm up: open the keep-alive connections and compile the hot paths.
  await Promise.all(
    Array.from({ length: concurrency }, (_, i) => sendRequest(job(i, { tokens: 3 }), config)),
  );
  const script = { ttftMs: 50, itlMs: 15, tokens: 16 };
  const seen: Record<string, number>[] = [];
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const before = cpuSample();
    const s: Samples = { ttft: [], sendLag: [], ttftFromReceipt: [], itl: [], arrival: [] };
    for (let r = 0; r < reps; r++) {
      await measure(server, config, concurrency, staggerMs, script, s);
    }
    const e = {
      ttft: median(s.ttft),
      sendLag: median(s.sendLag),
      ttftFromReceipt: median(s.ttftFromReceipt),
      itl: median(s.itl),
      arrival: median(s.arrival),
      minArrival: Math.min(...s.arrival),
      othersCores: othersCores(before, cpuSample()),
    };
    seen.push(e);
    if (Deno.env.get("LLMLOAD_TIMING_DEBUG")) {
      console.log(transport, concurrency, JSON.stringify(e));
    }
    // Whatever the load: nothing arrives before it was written, nor earlier than scripted
    // (the server may write up to 0.5 ms early: timer slack).
    assert.ok(e.minArrival >= 0, `a token was stamped before the server wrote it: ${e.minArrival}`);
    assert.ok(e.ttft >= -0.6, `TTFT shorter than scripted: ${JSON.stringify(e)}`);
    assert.ok(e.ttftFromReceipt >= -0.6, `TTFT shorter than scripted: ${JSON.stringify(e)}`);
    const ok = e.sendLag <= TOLERANCE_MS && e.ttftFromReceipt <= TOLERANCE_MS &&
      Math.abs(e.itl) <= TOLERANCE_MS && e.arrival <= TOLERANCE_MS;
    if (ok) return;
  }
  const detail = JSON.stringify(seen, (_, v) => typeof v === "number" ? +v.toFixed(2) : v);
  if (seen.every((e) => e.othersCores > NOISY_CORES)) {
    console.warn(
      `timing not checked: other processes kept the CPUs busy in every attempt ${detail}`,
    );
    return;
  }
  assert.fail(`timing errors over ${TOLERANCE_MS} ms in every attempt: ${detail}`);
}

for (const transport of ["fetch", "socket"] as const) {
  Deno.test(`client TTFT, ITL and token arrival are within 3 ms of the server at concurrency 1 [${transport}]`, async () => {
    await checkTiming(transport, 1, 0, 5);
  });

  Deno.test(`client TTFT, ITL and token arrival are within 3 ms of the server at concurrency 50 [${transport}]`, async () => {
    // Starts 3 ms apart (as a ramp would): all 50 streams overlap for the last ~40% of each.
    await checkTiming(transport, 50, 3, 1);
  });
}
