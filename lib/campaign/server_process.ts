/**
 * One server variant's process: started in its own process group (so the workers a server forks
 * are stopped with it), its stdout and stderr appended to a log file, polled until ready, and
 * stopped with SIGTERM, then SIGKILL after a grace period, to the whole group. Deno kills no
 * child on exit (docs/deno_notes.md "Subprocesses"), so the child is tracked for the CLI's exit
 * paths.
 */

import { trackChild, untrackChild } from "../telemetry/child_processes.ts";

/** How a server process ended. */
export interface ServerExit {
  code: number;
  signal: string | null;
}

/** A running (or ended) server process. */
export interface ServerProcess {
  /** Process id, also the process group id. */
  pid: number;
  argv: string[];
  /** Resolves when the process has ended and its output is in the log. */
  exited: Promise<ServerExit>;
  /** The exit once it happened, else undefined. */
  exit(): ServerExit | undefined;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the leader has ended. */
  stop(graceMs: number): Promise<{ forced: boolean }>;
}

/** A line longer than this without a newline (a progress bar) is written as it stands. */
const MAX_PENDING_CHARS = 65_536;

/** Feeds `write` whole lines of `stream` (the last one without its newline, if it has none). */
async function pumpLines(
  stream: ReadableStream<Uint8Array>,
  write: (text: string) => Promise<void>,
): Promise<void> {
  let pending = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    pending += text;
    const cut = pending.lastIndexOf("\n") + 1;
    if (cut > 0 || pending.length > MAX_PENDING_CHARS) {
      const upTo = cut > 0 ? cut : pending.length;
      await write(pending.slice(0, upTo));
      pending = pending.slice(upTo);
    }
  }
  if (pending) await write(pending);
}

/** The delay between readiness polls, ms: short, since a start is waited for anyway. */
const POLL_MS = 250;

/**
 * Starts `argv` (never through a shell) as the leader of a new process group, appending its
 * output to `logPath` after a header line. With `redact`, the header and every line of the
 * output pass through it before they reach the file (whole lines, so a secret split across two
 * reads is still found). A command that cannot be started at all (not found,
 * not executable) still gives a process whose `exited` is code 127, with the reason in the log,
 * so the caller records it like any server that exits at once.
 */
export async function startServer(
  argv: readonly string[],
  options: { logPath: string; env?: Record<string, string>; redact?: (text: string) => string },
): Promise<ServerProcess> {
  const redact = options.redact ?? ((t: string) => t);
  const log = await openServerLog(options.logPath);
  await log.line(redact(`# llmload: ${new Date().toISOString()} starting: ${argv.join(" ")}\n`));
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(argv[0], {
      args: argv.slice(1),
      env: options.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      detached: true,
    }).spawn();
  } catch (e) {
    await log.line(redact(`# llmload: cannot start ${argv[0]}: ${(e as Error).message}\n`));
    await log.close();
    return neverStarted(argv);
  }
  trackChild(child, { group: true });
  startWatchdog(child.pid);
  const pump = options.redact
    ? (stream: ReadableStream<Uint8Array>) => pumpLines(stream, (t) => log.line(redact(t)))
    : async (stream: ReadableStream<Uint8Array>) => {
      for await (const chunk of stream) await log.bytes(chunk);
    };
  let ended: ServerExit | undefined;
  const exited = (async () => {
    const [status] = await Promise.all([
      child.status,
      pump(child.stdout).catch(() => {}),
      pump(child.stderr).catch(() => {}),
    ]);
    untrackChild(child);
    ended = { code: status.code, signal: status.signal };
    await log.line(
      `# llmload: ${new Date().toISOString()} exited: code ${status.code}` +
        (status.signal ? `, signal ${status.signal}` : "") + "\n",
    );
    await log.close();
    return ended;
  })();
  return {
    pid: child.pid,
    argv: [...argv],
    exited,
    exit: () => ended,
    stop: (graceMs) => stopGroup(child.pid, exited, () => ended !== undefined, graceMs),
  };
}

/** A server's log file: both output streams append through one queue, so no line is split. */
async function openServerLog(path: string) {
  const file = await Deno.open(path, { create: true, append: true });
  const enc = new TextEncoder();
  let writes = Promise.resolve();
  const bytes = (b: Uint8Array) => {
    writes = writes.then(async () => {
      for (let o = 0; o < b.length;) o += await file.write(b.subarray(o));
    });
    return writes;
  };
  return {
    bytes,
    line: (text: string) => bytes(enc.encode(text)),
    close: async () => {
      await writes;
      file.close();
    },
  };
}

/** A command that could not be started: a process that has exited with 127 (not found). */
function neverStarted(argv: readonly string[]): ServerProcess {
  const exit = { code: 127, signal: null };
  return {
    pid: -1,
    argv: [...argv],
    exited: Promise.resolve(exit),
    exit: () => exit,
    stop: () => Promise.resolve({ forced: false }),
  };
}

/** SIGTERM to the group, SIGKILL after `graceMs`, and SIGKILL in any case for stragglers. */
async function stopGroup(
  pid: number,
  exited: Promise<ServerExit>,
  hasEnded: () => boolean,
  graceMs: number,
): Promise<{ forced: boolean }> {
  const signal = (sig: Deno.Signal) => {
    try {
      Deno.kill(-pid, sig);
    } catch {
      // the group is gone already
    }
  };
  if (hasEnded()) {
    signal("SIGKILL"); // stragglers the leader left behind
    return { forced: false };
  }
  signal("SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((r) => timer = setTimeout(() => r("late"), graceMs));
  const forced = (await Promise.race([exited, late])) === "late";
  clearTimeout(timer);
  // Also after a clean exit: workers that ignored the leader's end must not outlive it.
  signal("SIGKILL");
  await exited;
  return { forced };
}

/** Result of {@link waitServerReady}. */
export type Readiness =
  | { ready: true; waitedMs: number; url: string }
  | { ready: false; exited: boolean; waitedMs: number; lastError: string };

/**
 * Polls `GET /health` (vLLM's readiness route) and `GET <base>/models` every 250 ms until one
 * answers 2xx, the process ends, `timeoutMs` passes or `signal` aborts.
 */
export async function waitServerReady(
  baseUrl: string,
  server: Pick<ServerProcess, "exit">,
  options: { timeoutMs: number; signal?: AbortSignal; apiKey?: string },
): Promise<Readiness> {
  const base = baseUrl.replace(/\/+$/, "");
  const urls = [`${base.replace(/\/v1$/, "")}/health`, `${base}/models`];
  const headers: Record<string, string> = {};
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const start = performance.now();
  const waited = () => performance.now() - start;
  let lastError = "no answer yet";
  for (;;) {
    for (const url of urls) {
      if (server.exit()) return { ready: false, exited: true, waitedMs: waited(), lastError };
      try {
        const res = await fetch(url, {
          headers,
          signal: AbortSignal.timeout(Math.max(100, Math.min(5_000, options.timeoutMs - waited()))),
        });
        await res.body?.cancel();
        if (res.ok) return { ready: true, waitedMs: waited(), url };
        lastError = `GET ${url} answered ${res.status}`;
      } catch (e) {
        lastError = `GET ${url}: ${(e as Error).message}`;
      }
    }
    if (server.exit()) return { ready: false, exited: true, waitedMs: waited(), lastError };
    if (waited() >= options.timeoutMs || options.signal?.aborted) {
      return { ready: false, exited: false, waitedMs: waited(), lastError };
    }
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, options.timeoutMs - waited())));
  }
}

/** A port that was free on 127.0.0.1 a moment ago (the kernel's pick). */
export function freeLoopbackPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** True when nothing listens on `127.0.0.1:port` (we could bind it). */
export function portIsFree(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch {
    return false;
  }
}

/** Waits until `port` can be bound, up to `limitMs`; says whether it became free. */
export async function waitPortFree(port: number, limitMs: number): Promise<boolean> {
  const end = performance.now() + limitMs;
  while (!portIsFree(port)) {
    if (performance.now() >= end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** The last `n` lines of a log file (reads at most its last 64 KiB); [] when absent. */
export async function logTail(path: string, n: number): Promise<string[]> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch {
    return [];
  }
  try {
    const size = (await file.stat()).size;
    const from = Math.max(0, size - 65_536);
    await file.seek(from, Deno.SeekMode.Start);
    const buf = new Uint8Array(size - from);
    let off = 0;
    while (off < buf.length) {
      const got = await file.read(buf.subarray(off));
      if (got === null) break;
      off += got;
    }
    const lines = new TextDecoder().decode(buf.subarray(0, off)).split("\n");
    if (from > 0) lines.shift(); // probably cut mid-line
    while (lines.length && lines[lines.length - 1] === "") lines.pop();
    return lines.slice(-n);
  } finally {
    file.close();
  }
}

/**
 * Ends the server's process group when llmload itself dies without stopping it (`kill -9`, an
 * OOM kill): signals and exit handlers never run then, and the server (with vLLM: a GPU and a
 * port) would live on under PID 1. A detached `sh` polls both every 0.5 s; once llmload is gone
 * it sends SIGTERM to the group, then SIGKILL 1 s later. It exits by itself when the group ends.
 */
function startWatchdog(group: number): void {
  const script = 'while kill -0 "$1" 2>/dev/null; do kill -0 -"$2" 2>/dev/null || exit 0; ' +
    'sleep 0.5; done; kill -TERM -"$2" 2>/dev/null; sleep 1; kill -KILL -"$2" 2>/dev/null';
  try {
    const dog = new Deno.Command("sh", {
      args: ["-c", script, "llmload-watchdog", String(Deno.pid), String(group)],
      stdin: "null",
      stdout: "null",
      stderr: "null",
      detached: true,
    }).spawn();
    dog.unref();
    dog.status.catch(() => {});
  } catch {
    // No sh: the server is still stopped on every orderly exit, only a kill -9 can orphan it.
  }
}
