/**
 * What happened: raw request records in, statistics out. Pure; never imports the client.
 * @module
 */

export * from "./record.ts";
export * from "./per_request.ts";
export * from "./stats.ts";
export * from "./summary.ts";
export * from "./cold_starts.ts";
export * from "./adapter_stats.ts";
export * from "./lora_comparison.ts";
export * from "./telemetry_samples.ts";
export * from "./gpu_usage.ts";
export * from "./observations.ts";
export * from "./runs_comparison.ts";
export * from "./time_windows.ts";
export * from "./latency_cdf.ts";
export * from "./latency_histogram.ts";
export * from "./run_digest.ts";
