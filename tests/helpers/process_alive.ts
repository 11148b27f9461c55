/**
 * True while `pid` runs: a zombie or a missing process is not alive. Asks `ps`, since Deno lets
 * only --allow-all read /proc (and `deno task test` grants explicit permissions, as the binary
 * has): reading /proc there would say "not alive" for every process.
 */
export function processAlive(pid: number): boolean {
  const out = new Deno.Command("ps", {
    args: ["-o", "stat=", "-p", String(pid)],
    stdout: "piped",
    stderr: "null",
  })
    .outputSync();
  const state = new TextDecoder().decode(out.stdout).trim();
  return state !== "" && !state.startsWith("Z") && !state.startsWith("X");
}

/** PIDs a fake nvidia-smi appended to `file` (`--pid-file`); none when it never started. */
export function pidsIn(file: string): number[] {
  try {
    return Deno.readTextFileSync(file).split("\n").filter((l) => l.trim()).map(Number);
  } catch {
    return [];
  }
}

/** Polls `check` every 20 ms until true or `limitMs` passed; returns the last result. */
export async function waitFor(check: () => boolean, limitMs = 10_000): Promise<boolean> {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** The fake nvidia-smi, as a `--gpu-sampler` argv prefix (deno run -A <fake>). */
export const FAKE_NVIDIA_SMI = [
  Deno.execPath(),
  "run",
  "-A",
  new URL("../../fixtures/nvidia-smi/fake_nvidia_smi.ts", import.meta.url).pathname,
];
