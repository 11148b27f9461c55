/**
 * The host a run was measured from, for meta.json's `system` and `llmload sysinfo`. Reads
 * /proc/cpuinfo and /proc/meminfo where they exist (Linux); anything missing or unreadable is
 * null, never an error. Parsers are pure and exported for tests.
 */

/** meta.json's `system` (snake_case keys, as written). */
export interface SystemInfo {
  cpu_model: string | null;
  /** Logical CPUs the OS reports. */
  cpu_cores: number | null;
  memory_total_bytes: number | null;
  /** `linux`, `darwin`, `windows`, with the architecture: `linux x86_64`. */
  os: string;
  kernel: string | null;
  hostname: string | null;
}

/** The CPU model and logical CPU count from /proc/cpuinfo text (x86 and ARM spellings). */
export function parseCpuInfo(text: string): { model: string | null; cores: number | null } {
  let model: string | null = null;
  let cores = 0;
  for (const line of text.split("\n")) {
    const m = /^([^:]+?)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value] = m;
    if (key === "processor") cores++;
    if (model === null && (key === "model name" || key === "Model" || key === "Hardware")) {
      model = value.trim() || null;
    }
  }
  return { model, cores: cores || null };
}

/** `MemTotal` from /proc/meminfo text, in bytes. */
export function parseMemTotal(text: string): number | null {
  const m = /^MemTotal:\s+(\d+)\s*kB/m.exec(text);
  return m ? Number(m[1]) * 1024 : null;
}

const readText = (path: string): string | null => {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return null;
  }
};
const attempt = <T>(f: () => T): T | null => {
  try {
    return f();
  } catch {
    return null;
  }
};

/** Reads the host's description; never throws. */
export function readSystemInfo(): SystemInfo {
  const cpu = parseCpuInfo(readText("/proc/cpuinfo") ?? "");
  const meminfo = readText("/proc/meminfo");
  return {
    cpu_model: cpu.model,
    cpu_cores: cpu.cores ?? attempt(() => navigator.hardwareConcurrency) ?? null,
    memory_total_bytes: (meminfo === null ? null : parseMemTotal(meminfo)) ??
      attempt(() => Deno.systemMemoryInfo().total) ?? null,
    os: `${Deno.build.os} ${Deno.build.arch}`,
    kernel: attempt(() => Deno.osRelease()),
    hostname: attempt(() => Deno.hostname()),
  };
}
