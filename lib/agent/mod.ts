/**
 * `llmload agent`: an HTTP control API to register, queue, run and fetch tests on a GPU box.
 * Nothing a registration says is evaluated as code: bodies become `llmload run` flags
 * (registration.ts), validated by the CLI's own parsers (handed in as `plan`), and the plans
 * they give are checked for commands and outside writes (job_guard.ts).
 */
import { readRuleProblems, type ReadRules } from "./read_rules.ts";
import { refuseRequest } from "./request_guard.ts";
import { join, resolve } from "node:path";
import { UsageError } from "../config/usage_error.ts";
import { type AgentJob, type JobPart, jobParts, jobPlans, resultKind, runJob } from "./job.ts";
import { jobGuardProblems } from "./job_guard.ts";
import { isSecretKey, mapRegistration, redact } from "./registration.ts";
import { json } from "./responses.ts";
import { FINISHED, type TestRecord, TestStore } from "./store.ts";
import { REPORT_FORMATS, reportResponse, requestsResponse } from "./test_results.ts";

export type { AgentJob } from "./job.ts";

/** How the agent is set up. */
export interface AgentOptions {
  hostname: string;
  port: number;
  dataDir: string;
  /** Bearer token; required unless the address is loopback. */
  token?: string;
  /** Tests run at once (default 1). */
  runners?: number;
  /** Finished tests kept; the oldest beyond this are pruned (default 100). */
  maxTests?: number;
  /** Registrations per minute (default 60). */
  registrationsPerMinute?: number;
  /** Largest request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /**
   * Where registrations may read files from and send load to, beyond `<data-dir>/datasets/` and
   * loopback (`--allow-dir`, `--allow-target`); default none.
   */
  readRules?: ReadRules;
  /**
   * Turns a built-in scenario name and flags into a job (one plan, or a sweep's points) with
   * the CLI's parsers; throws UsageError.
   */
  plan: (scenario: string | undefined, args: string[]) => AgentJob;
  log?: (line: string) => void;
}

/** A running agent. */
export interface Agent {
  port: number;
  /**
   * Stops listening; running tests are stopped and end as `interrupted` (with their partial
   * results), queued ones stay queued on disk for the next agent.
   */
  close(): Promise<void>;
}

interface Live {
  /** Full flags, secrets included: memory only. */
  args: string[];
  secrets: string[];
  abort?: AbortController;
  /** Who stopped it: a user's cancel, or the agent shutting down. */
  stoppedBy?: "cancel" | "shutdown";
  progress?: string;
  /** The sweep point or compared run now running. */
  part?: { index: number; of: number; label: string };
}

/** Plans a registration and refuses what the agent must never do; throws UsageError. */
function planJob(
  options: Pick<AgentOptions, "plan" | "dataDir" | "readRules">,
  scenario: string | undefined,
  args: string[],
): AgentJob {
  const job = options.plan(scenario, args);
  const plans = jobPlans(job);
  const problems = [
    ...jobGuardProblems(plans),
    ...readRuleProblems(plans, {
      dataDir: options.dataDir,
      rules: options.readRules ?? { dirs: [], targets: [] },
    }),
  ];
  if (problems.length) throw new UsageError(problems);
  return job;
}

/** Starts the agent: loads stored tests, then listens. */
export async function startAgent(options: AgentOptions): Promise<Agent> {
  const log = options.log ?? (() => {});
  // Absolute, so stored run directories survive a restart from another working directory.
  options = { ...options, dataDir: resolve(options.dataDir) };
  const store = new TestStore(options.dataDir);
  await store.load();
  const live = new Map<string, Live>();
  const runners = options.runners ?? 1;
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const perMinute = options.registrationsPerMinute ?? 60;
  const maxTests = options.maxTests ?? 100;
  const registrations: number[] = [];
  let running = 0;
  let closing = false;
  const allSecrets = () => [...live.values()].flatMap((l) => l.secrets);

  // Queued tests of an earlier agent: run them if their flags are whole, else fail them.
  for (const t of store.list()) {
    if (t.status !== "queued") continue;
    if (t.has_secrets) {
      t.status = "failed";
      t.ended_at = new Date().toISOString();
      t.error = "the agent restarted while this test was queued; its secrets were held in " +
        "memory only and are gone: register it again";
      await store.save(t);
    } else live.set(t.id, { args: t.args, secrets: [] });
  }

  const pump = () => {
    while (running < runners && !closing) {
      const next = store.list().filter((t) => t.status === "queued")
        .sort((a, b) => (a.queued_at ?? "").localeCompare(b.queued_at ?? ""))[0];
      if (!next) return;
      running++;
      execute(next).finally(() => {
        running--;
        pump();
      });
    }
  };

  const execute = async (t: TestRecord) => {
    const l = live.get(t.id) ?? { args: t.args, secrets: [] };
    live.set(t.id, l);
    l.abort = new AbortController();
    const out = join(options.dataDir, "runs", t.id);
    t.status = "running";
    t.started_at = new Date().toISOString();
    await store.save(t);
    let status: TestRecord["status"];
    let error: string | undefined;
    let runDir: string | undefined;
    try {
      const job = planJob(options, t.scenario, [...l.args, "--out", out]);
      const commandLine = ["llmload", "run", ...(t.scenario ? [t.scenario] : []), ...t.args];
      for (const plan of jobPlans(job)) plan.commandLine = commandLine;
      // The run directory exists once the run starts; record it for an interrupted test.
      let over = false;
      const watch = setInterval(async () => {
        if (t.run_dir) return;
        const dir = await findRunDir(out);
        if (dir && !t.run_dir && !over) {
          t.run_dir = dir;
          await store.save(t);
        }
      }, 200);
      const outcome = await runJob(job, {
        log: (line) => log(`test ${t.id}: ${redact(line, l.secrets)}`),
        status: (line) => l.progress = line,
        isTty: true,
        quiet: false,
        interrupt: l.abort.signal,
        stopReason: () =>
          l.stoppedBy === "shutdown" ? "agent stopped" : l.stoppedBy && "cancelled by the API",
      }, {
        onPart: (part: JobPart, of: number) => {
          l.part = { ...part, of };
          l.progress = undefined;
        },
      }).finally(() => {
        over = true;
        clearInterval(watch);
      });
      runDir = outcome.dir;
      status = outcome.interrupted ? stoppedStatus(l) : "done";
      if (outcome.teardownError) {
        status = "failed";
        error = redact(outcome.teardownError.message, l.secrets);
      }
    } catch (e) {
      status = l.abort.signal.aborted ? stoppedStatus(l) : "failed";
      const problems = e instanceof UsageError ? e.problems.join("; ") : (e as Error).message;
      error = redact(problems, l.secrets);
      runDir = t.run_dir ?? await findRunDir(out);
    }
    if (status === "interrupted") {
      error ??= "the agent was stopped while this test ran; its results hold what finished";
    }
    const ended: TestRecord = {
      ...t,
      status,
      ...(runDir ? { run_dir: runDir } : {}),
      ...(error ? { error } : {}),
      ended_at: new Date().toISOString(),
    };
    live.delete(t.id);
    // Pruned before the end is published: whoever sees the test end sees the store pruned.
    if (!(await prune(ended))) await store.save(ended);
  };

  /**
   * Deletes the oldest finished tests beyond `maxTests`, counting `ending` (not yet saved) as
   * finished; true when `ending` itself was deleted.
   */
  const prune = async (ending?: TestRecord): Promise<boolean> => {
    const all = store.list().map((t) => t.id === ending?.id ? ending : t);
    const finished = all.filter((t) => FINISHED.includes(t.status));
    let gone = false;
    for (const t of finished.slice(0, Math.max(0, all.length - maxTests))) {
      gone ||= t.id === ending?.id;
      await removeTest(t);
    }
    return gone;
  };

  const removeTest = async (t: TestRecord) => {
    await store.remove(t.id);
    await Deno.remove(join(options.dataDir, "runs", t.id), { recursive: true }).catch(() => {});
  };

  const show = (t: TestRecord) => {
    const l = live.get(t.id);
    const now = t.status === "running" && l
      ? {
        progress: (l.part ? `point ${l.part.index}/${l.part.of} (${l.part.label}) · ` : "") +
          (l.progress ?? ""),
        ...(l.part ? { point: l.part } : {}),
      }
      : {};
    return JSON.parse(redact(JSON.stringify({ ...t, ...now }), allSecrets()));
  };

  const register = async (req: Request): Promise<Response> => {
    const now = Date.now();
    while (registrations.length > 0 && registrations[0] < now - 60_000) registrations.shift();
    if (registrations.length >= perMinute) {
      return json(429, { error: `at most ${perMinute} registrations per minute; retry later` });
    }
    const declared = Number(req.headers.get("content-length") ?? 0);
    if (declared > maxBody) return json(413, { error: `the body exceeds ${maxBody} bytes` });
    const bytes = new Uint8Array(await req.arrayBuffer());
    if (bytes.length > maxBody) return json(413, { error: `the body exceeds ${maxBody} bytes` });
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      return json(400, { problems: ["the body is not valid JSON"] });
    }
    const mapped = mapRegistration(body);
    if ("problems" in mapped) return json(400, { problems: mapped.problems });
    const { args, secrets, scenario, name } = mapped.ok;
    let job: AgentJob;
    try {
      job = planJob(options, scenario, [
        ...args,
        "--out",
        join(options.dataDir, "runs", "validate"),
      ]);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      return json(400, { problems: e.problems.map((p) => redact(p, secrets)) });
    }
    registrations.push(now);
    const id = crypto.randomUUID();
    const t: TestRecord = {
      id,
      ...(name ? { name } : {}),
      status: "registered",
      ...(scenario ? { scenario } : {}),
      ...(resultKind(job) === "run" ? {} : { kind: resultKind(job), parts: jobParts(job) }),
      args: redactArgs(args, secrets),
      has_secrets: secrets.length > 0,
      created_at: new Date().toISOString(),
    };
    live.set(id, { args, secrets });
    await store.save(t);
    await prune();
    return json(201, { id, test: show(t) });
  };

  const route = async (req: Request): Promise<Response> => {
    const refused = refuseRequest(req, { hostname: options.hostname, port: server.addr.port });
    if (refused) return json(refused.status, { error: refused.error });
    const url = new URL(req.url);
    const path = url.pathname.replace(/\/+$/, "") || "/";
    if (path === "/health") return json(200, { ok: true });
    if (options.token !== undefined) {
      if (req.headers.get("authorization") !== `Bearer ${options.token}`) {
        return json(401, { error: "missing or wrong bearer token (Authorization: Bearer TOKEN)" });
      }
    }
    if (path === "/tests") {
      if (req.method === "POST") return await register(req);
      if (req.method === "GET") return json(200, { tests: store.list().map(show) });
      return json(405, { error: "use GET or POST" });
    }
    const m = /^\/tests\/([0-9a-f-]{36})(?:\/(start|cancel|report|requests\.jsonl))?$/.exec(path);
    if (!m) return json(404, { error: "no such route" });
    const t = store.tests.get(m[1]);
    if (!t) return json(404, { error: `no test ${m[1]}` });
    const action = m[2];
    if (action === undefined) {
      if (req.method === "GET") return json(200, show(t));
      if (req.method === "DELETE") {
        if (t.status === "running" || t.status === "queued") {
          return json(409, { error: `test is ${t.status}: cancel it first` });
        }
        live.delete(t.id);
        await removeTest(t);
        return json(200, { deleted: t.id });
      }
      return json(405, { error: "use GET or DELETE" });
    }
    if (action === "start") {
      if (req.method !== "POST") return json(405, { error: "use POST" });
      if (t.status !== "registered") return json(409, { error: `test is ${t.status}` });
      if (!live.has(t.id)) {
        return json(409, { error: "the agent restarted and this test's secrets are gone" });
      }
      t.status = "queued";
      t.queued_at = new Date().toISOString();
      await store.save(t);
      pump();
      return json(202, show(t));
    }
    if (action === "cancel") {
      if (req.method !== "POST") return json(405, { error: "use POST" });
      if (t.status === "running") {
        const l = live.get(t.id);
        if (l?.abort && !l.abort.signal.aborted) {
          l.stoppedBy = "cancel";
          l.abort.abort();
        }
      } else if (t.status === "queued" || t.status === "registered") {
        t.status = "cancelled";
        t.ended_at = new Date().toISOString();
        live.delete(t.id);
        await store.save(t);
      } else return json(409, { error: `test is ${t.status}` });
      return json(202, show(t));
    }
    if (req.method !== "GET") return json(405, { error: "use GET" });
    if (!t.run_dir) return json(404, { error: `test is ${t.status} and has no results yet` });
    const results = { kind: t.kind, parts: t.parts, run_dir: t.run_dir };
    if (action === "requests.jsonl") return await requestsResponse(results);
    const format = url.searchParams.get("format") ?? "json";
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
      return json(400, { problems: ["format must be json, md, html or csv"] });
    }
    if (t.status === "running") return json(409, { error: "test is running: poll until it ends" });
    return await reportResponse(results, format as (typeof REPORT_FORMATS)[number]);
  };

  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    onListen: () => {},
  }, async (req) => {
    try {
      return await route(req);
    } catch (e) {
      return json(500, { error: redact((e as Error).message, allSecrets()) });
    }
  });
  if (runners > 1) {
    log(`warning: --runners ${runners}: tests running side by side disturb each other's numbers`);
  }
  pump();
  return {
    port: server.addr.port,
    async close() {
      closing = true;
      for (const l of live.values()) {
        if (l.abort && !l.abort.signal.aborted) {
          l.stoppedBy = "shutdown";
          l.abort.abort();
        }
      }
      while (running > 0) await new Promise((r) => setTimeout(r, 20));
      await server.shutdown();
    },
  };
}

/** Flags with every secret value shown as `***` (also under secret-looking `--tag` keys). */
function redactArgs(args: string[], secrets: string[]): string[] {
  return args.map((a, i) => {
    if (i > 0 && args[i - 1] === "--api-key") return "***";
    if (a.startsWith("--api-key=")) return "--api-key=***";
    const eq = a.indexOf("=");
    if (i > 0 && args[i - 1] === "--tag" && eq > 0 && isSecretKey(a.slice(0, eq))) {
      return `${a.slice(0, eq)}=***`;
    }
    return redact(a, secrets);
  });
}

/** A stopped test: `cancelled` by a user, `interrupted` when the agent itself stopped. */
function stoppedStatus(l: Live): "cancelled" | "interrupted" {
  return l.stoppedBy === "shutdown" ? "interrupted" : "cancelled";
}

/** The one run directory under a test's results folder, if it exists yet. */
async function findRunDir(out: string): Promise<string | undefined> {
  try {
    for await (const e of Deno.readDir(out)) if (e.isDirectory) return join(out, e.name);
  } catch {
    // Not created yet.
  }
  return undefined;
}
