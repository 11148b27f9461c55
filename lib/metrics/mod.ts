/**
 * What happened: raw request records in, statistics out. Pure; never imports the client.
 * @module
 */

export * from "./record.ts";
export * from "./per_request.ts";
export * from "./stats.ts";
export * from "./summary.ts";
