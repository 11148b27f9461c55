/**
 * `llmload agent`: an HTTP control API to register, queue, run and fetch tests on a GPU box.
 * Nothing a registration says is evaluated as code: bodies become `llmload run` flags
 * (registration.ts), validated by the CLI's own parsers (handed in as `plan`), and the plans
 * they give are checked for commands and outside writes (job_guard.ts). Routes are in
 * routes.ts, the queue and runners in queue.ts, listening and lifecycle in server.ts; other
 * folders import the agent through this file only.
 */
export type { Agent, AgentOptions } from "./agent_options.ts";
export type { AgentJob } from "./job.ts";
export { startAgent } from "./server.ts";
