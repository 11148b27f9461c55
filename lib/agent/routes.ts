/**
 * The agent's HTTP routes: `/health`, the bearer token, `/tests` (list, register) and
 * `/tests/{id}[/start|cancel|report|requests.jsonl]`. Requests reach here past the request guard
 * (server.ts); tests change state only through the queue.
 */
import { join } from "node:path";
import { UsageError } from "../config/usage_error.ts";
import type { AgentOptions } from "./agent_options.ts";
import { type AgentJob, jobParts, resultKind } from "./job.ts";
import { planJob } from "./plan_job.ts";
import type { TestQueue } from "./queue.ts";
import { mapRegistration, redact, redactArgs } from "./registration.ts";
import { json } from "./responses.ts";
import type { TestRecord, TestStore } from "./store.ts";
import { REPORT_FORMATS, reportResponse, requestsResponse } from "./test_results.ts";

/** What the routes work on (defaults already applied). */
export interface RouteContext {
  options: Pick<AgentOptions, "token" | "plan" | "dataDir" | "readRules">;
  store: TestStore;
  queue: TestQueue;
  /** Largest request body in bytes. */
  maxBody: number;
  /** Registrations per minute. */
  perMinute: number;
}

/** A test's actions after `/tests/{id}/`. */
type TestAction = "start" | "cancel" | "report" | "requests.jsonl";

/** The agent's request handler over `ctx`. */
export function agentRoutes(ctx: RouteContext): (req: Request) => Promise<Response> {
  // Times of the registrations in the last minute, oldest first.
  const registrations: number[] = [];
  return (req) => route(ctx, registrations, req);
}

async function route(
  ctx: RouteContext,
  registrations: number[],
  req: Request,
): Promise<Response> {
  const url = new URL(req.url);
  const path = url.pathname.replace(/\/+$/, "") || "/";
  if (path === "/health") return json(200, { ok: true });
  if (ctx.options.token !== undefined) {
    if (req.headers.get("authorization") !== `Bearer ${ctx.options.token}`) {
      return json(401, { error: "missing or wrong bearer token (Authorization: Bearer TOKEN)" });
    }
  }
  if (path === "/tests") {
    if (req.method === "POST") return await register(ctx, registrations, req);
    if (req.method === "GET") {
      return json(200, { tests: ctx.store.list().map((t) => ctx.queue.show(t)) });
    }
    return json(405, { error: "use GET or POST" });
  }
  const m = /^\/tests\/([0-9a-f-]{36})(?:\/(start|cancel|report|requests\.jsonl))?$/.exec(path);
  if (!m) return json(404, { error: "no such route" });
  const t = ctx.store.tests.get(m[1]);
  if (!t) return json(404, { error: `no test ${m[1]}` });
  return await testRoute(ctx, t, m[2] as TestAction | undefined, req, url);
}

/** `/tests/{id}` and its actions. */
async function testRoute(
  ctx: RouteContext,
  t: TestRecord,
  action: TestAction | undefined,
  req: Request,
  url: URL,
): Promise<Response> {
  if (action === undefined) {
    if (req.method === "GET") return json(200, ctx.queue.show(t));
    if (req.method === "DELETE") {
      if (t.status === "running" || t.status === "queued") {
        return json(409, { error: `test is ${t.status}: cancel it first` });
      }
      await ctx.queue.delete(t);
      return json(200, { deleted: t.id });
    }
    return json(405, { error: "use GET or DELETE" });
  }
  if (action === "start") {
    if (req.method !== "POST") return json(405, { error: "use POST" });
    if (t.status !== "registered") return json(409, { error: `test is ${t.status}` });
    if (!ctx.queue.holds(t.id)) {
      return json(409, { error: "the agent restarted and this test's secrets are gone" });
    }
    await ctx.queue.enqueue(t);
    return json(202, ctx.queue.show(t));
  }
  if (action === "cancel") {
    if (req.method !== "POST") return json(405, { error: "use POST" });
    if (!(await ctx.queue.cancel(t))) return json(409, { error: `test is ${t.status}` });
    return json(202, ctx.queue.show(t));
  }
  if (req.method !== "GET") return json(405, { error: "use GET" });
  return await resultsRoute(t, action, url);
}

/** `report?format=` and `requests.jsonl`. */
async function resultsRoute(
  t: TestRecord,
  action: "report" | "requests.jsonl",
  url: URL,
): Promise<Response> {
  if (!t.run_dir) return json(404, { error: `test is ${t.status} and has no results yet` });
  const results = { kind: t.kind, parts: t.parts, run_dir: t.run_dir };
  if (action === "requests.jsonl") return await requestsResponse(results);
  const format = url.searchParams.get("format") ?? "json";
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
    return json(400, { problems: ["format must be json, md, html or csv"] });
  }
  if (t.status === "running") return json(409, { error: "test is running: poll until it ends" });
  return await reportResponse(results, format as (typeof REPORT_FORMATS)[number]);
}

/** `POST /tests`: a registration, validated by planning it, stored as `registered`. */
async function register(
  ctx: RouteContext,
  registrations: number[],
  req: Request,
): Promise<Response> {
  const now = Date.now();
  while (registrations.length > 0 && registrations[0] < now - 60_000) registrations.shift();
  if (registrations.length >= ctx.perMinute) {
    return json(429, { error: `at most ${ctx.perMinute} registrations per minute; retry later` });
  }
  const body = await readJsonBody(req, ctx.maxBody);
  if (body instanceof Response) return body;
  const mapped = mapRegistration(body.value);
  if ("problems" in mapped) return json(400, { problems: mapped.problems });
  const { args, secrets, scenario, name } = mapped.ok;
  let job: AgentJob;
  try {
    const out = join(ctx.options.dataDir, "runs", "validate");
    job = planJob(ctx.options, scenario, [...args, "--out", out]);
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
  ctx.queue.hold(id, args, secrets);
  await ctx.store.save(t);
  await ctx.queue.prune();
  return json(201, { id, test: ctx.queue.show(t) });
}

/** The parsed JSON body, or the error response (413 too large, 400 not JSON). */
async function readJsonBody(
  req: Request,
  maxBody: number,
): Promise<{ value: unknown } | Response> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > maxBody) return json(413, { error: `the body exceeds ${maxBody} bytes` });
  const bytes = new Uint8Array(await req.arrayBuffer());
  if (bytes.length > maxBody) return json(413, { error: `the body exceeds ${maxBody} bytes` });
  try {
    return { value: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch {
    return json(400, { problems: ["the body is not valid JSON"] });
  }
}
