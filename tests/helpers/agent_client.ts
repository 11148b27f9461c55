/** An in-process agent on 127.0.0.1 and a small client for its HTTP API (agent tests). */
import { join } from "node:path";
import { startAgent } from "../../lib/agent/mod.ts";
import { runPlanner } from "../../lib/cli/agent_command.ts";

/** The bearer token of agents started here. */
export const AGENT_TOKEN = "agent-test-token";

/** One API answer: status and body text. */
export interface AgentAnswer {
  status: number;
  text: string;
  // deno-lint-ignore no-explicit-any
  json(): any;
}

/** Calls the agent's API with the token (or the one given; "" sends none). */
export type AgentCall = (
  method: string,
  path: string,
  body?: unknown,
  token?: string,
) => Promise<AgentAnswer>;

/** Starts an agent on a free loopback port with the CLI's planner; `extra` overrides options. */
export async function agentAt(
  dataDir: string,
  extra: Partial<Parameters<typeof startAgent>[0]> = {},
) {
  const agent = await startAgent({
    hostname: "127.0.0.1",
    port: 0,
    dataDir,
    token: AGENT_TOKEN,
    plan: runPlanner({}),
    ...extra,
  });
  const call = agentClient(`http://127.0.0.1:${agent.port}`);
  return { agent, call };
}

/** A client for an agent at `base` (e.g. a spawned one). */
export function agentClient(base: string): AgentCall {
  return async (method, path, body, token = AGENT_TOKEN) => {
    const res = await fetch(base + path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) };
  };
}

/**
 * Polls `GET /tests/{id}` (every 50 ms, 60 s at most) until its status is one of `statuses`;
 * `seen` gets every answer on the way.
 */
export async function waitForStatus(
  call: AgentCall,
  id: string,
  statuses: string[],
  // deno-lint-ignore no-explicit-any
  seen: any[] = [],
  // deno-lint-ignore no-explicit-any
): Promise<any> {
  for (let i = 0; i < 1200; i++) {
    const t = (await call("GET", `/tests/${id}`)).json();
    seen.push(t);
    if (statuses.includes(t.status)) return t;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`test ${id} never reached ${statuses}`);
}

/** Every file under `dir`, recursively. */
export async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) out.push(...await allFiles(p));
    else out.push(p);
  }
  return out;
}
