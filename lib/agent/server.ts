/**
 * Starting and stopping the agent: loads stored tests, wires the request guard (Host, Origin,
 * content type: request_guard.ts) in front of the routes, listens, and on close stops running
 * tests before the listener.
 */
import { resolve } from "node:path";
import type { Agent, AgentOptions } from "./agent_options.ts";
import { TestQueue } from "./queue.ts";
import { redact } from "./registration.ts";
import { refuseRequest } from "./request_guard.ts";
import { json } from "./responses.ts";
import { agentRoutes } from "./routes.ts";
import { TestStore } from "./store.ts";

/** Starts the agent: loads stored tests, then listens. */
export async function startAgent(options: AgentOptions): Promise<Agent> {
  const log = options.log ?? (() => {});
  // Absolute, so stored run directories survive a restart from another working directory.
  options = { ...options, dataDir: resolve(options.dataDir) };
  const runners = options.runners ?? 1;
  const store = new TestStore(options.dataDir);
  await store.load();
  const queue = new TestQueue(store, {
    ...options,
    runners,
    maxTests: options.maxTests ?? 100,
    log,
  });
  await queue.restore();
  const route = agentRoutes({
    options,
    store,
    queue,
    maxBody: options.maxBodyBytes ?? 1024 * 1024,
    perMinute: options.registrationsPerMinute ?? 60,
  });
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    onListen: () => {},
  }, async (req) => {
    try {
      const refused = refuseRequest(req, { hostname: options.hostname, port: server.addr.port });
      if (refused) return json(refused.status, { error: refused.error });
      return await route(req);
    } catch (e) {
      return json(500, { error: redact((e as Error).message, queue.secrets()) });
    }
  });
  if (runners > 1) {
    log(`warning: --runners ${runners}: tests running side by side disturb each other's numbers`);
  }
  queue.pump();
  return {
    port: server.addr.port,
    async close() {
      await queue.close();
      await server.shutdown();
    },
  };
}
