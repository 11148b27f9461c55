import { z } from "zod";

/**
 * What a run records beside its requests (the telemetry flags): the GPU sampler and the
 * user's own labels. Absent from a plan = {@link DEFAULT_TELEMETRY}.
 */
export const TelemetryPlanSchema = z.strictObject({
  /**
   * `auto`: nvidia-smi when it is on PATH, else no GPU data (one warning); `off`: none;
   * `command`: `command` (argv, e.g. ["ssh", "gpu-box", "nvidia-smi"]) gets the query flags.
   */
  gpuSampler: z.enum(["auto", "off", "command"]),
  command: z.array(z.string()).min(1).optional(),
  /** nvidia-smi's loop interval (`-lms`), ms. */
  gpuIntervalMs: z.number().int().positive(),
  /** GPU indices to sample (`-i`); absent = all. */
  gpus: z.array(z.number().int().nonnegative()).min(1).optional(),
  /** Also sample per-process GPU memory (`--query-compute-apps`) into gpu_processes.csv. */
  gpuProcesses: z.boolean().optional(),
  /** `--tag key=value`: what cannot be detected (tensor parallel size, quantization, ...). */
  tags: z.record(z.string(), z.string()),
  /**
   * GPU data was asked for (`--gpu-sampler` given, or `--gpus`, `--gpu-interval`,
   * `--gpu-processes`): a missing nvidia-smi is then worth a warning, not only a report line.
   */
  gpuExpected: z.boolean().optional(),
  /** `--note "..."`, in the order given. */
  notes: z.array(z.string()),
}).refine((t) => (t.gpuSampler === "command") === (t.command !== undefined), {
  message: "a command sampler needs its command, and only it",
});

/** The telemetry settings of a run. */
export type TelemetryPlan = z.infer<typeof TelemetryPlanSchema>;

/** Default GPU sampling interval, ms. */
export const DEFAULT_GPU_INTERVAL_MS = 500;

/** A plan without telemetry flags: nvidia-smi when present, every 500 ms, no tags or notes. */
export const DEFAULT_TELEMETRY: TelemetryPlan = {
  gpuSampler: "auto",
  gpuIntervalMs: DEFAULT_GPU_INTERVAL_MS,
  tags: {},
  notes: [],
};

/** Tag keys whose values are never written (a user may tag a run with a token by mistake). */
const SECRET_TAG_KEY = /(api[_-]?key|token|secret|password|passwd|credential|auth)/i;

/** True for a tag key whose value must be redacted (`hf_token`, `api_key`, `password`, ...). */
export function isSecretTagKey(key: string): boolean {
  return SECRET_TAG_KEY.test(key);
}
