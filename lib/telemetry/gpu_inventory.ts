import {
  type GpuInfo,
  gpuInventoryArgs,
  parseCudaVersion,
  parseGpuInventory,
} from "./nvidia_smi_csv.ts";
import { trackChild, untrackChild } from "./child_processes.ts";

/**
 * The GPUs of the host, for meta.json's `gpus` and `llmload sysinfo`: one `--query-gpu` read
 * (index, name, uuid, memory, driver) and one `-q` read (CUDA version), through the same command
 * as the sampler (`nvidia-smi`, `ssh gpu-box nvidia-smi`, the fake). Each read is bounded in
 * time and killed when late; a failure gives an empty list and says why.
 */

/** Runs `argv` to its end (or kills it after `timeoutMs`); stdout text, or undefined on failure. */
async function readOutput(argv: readonly string[], timeoutMs: number): Promise<string | undefined> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(argv[0], {
      args: argv.slice(1),
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).spawn();
  } catch {
    return undefined;
  }
  trackChild(child);
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, timeoutMs);
  try {
    const out = await child.output();
    return out.success ? new TextDecoder().decode(out.stdout) : undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    untrackChild(child);
  }
}

/** What {@link readGpuInventory} found: the GPUs, or none and why. */
export interface GpuInventory {
  gpus: GpuInfo[];
  problem?: string;
}

/** Reads the GPU list through `command` (argv without query flags), `gpus` selecting (`-i`). */
export async function readGpuInventory(
  command: readonly string[],
  options: { gpus?: readonly number[]; timeoutMs?: number } = {},
): Promise<GpuInventory> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const select = options.gpus?.length ? ["-i", options.gpus.join(",")] : [];
  const [list, query] = await Promise.all([
    readOutput([...command, ...gpuInventoryArgs({ gpus: options.gpus })], timeoutMs),
    readOutput([...command, "-q", ...select], timeoutMs),
  ]);
  if (list === undefined) {
    return { gpus: [], problem: `"${command.join(" ")}" did not list the GPUs` };
  }
  const cuda = query === undefined ? null : parseCudaVersion(query);
  return { gpus: parseGpuInventory(list).map((g) => ({ ...g, cuda_version: cuda })) };
}
