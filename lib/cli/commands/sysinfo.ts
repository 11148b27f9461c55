import { parseFlags } from "../flag_suggestion.ts";
import { DEFAULT_TELEMETRY } from "../../config/telemetry_plan.ts";
import { UsageError } from "../../config/usage_error.ts";
import { readSystemRecord, type SystemRecord } from "../../run/probes/system_record.ts";
import { VERSION } from "../../version.ts";
import { environmentFacts, NOT_RECORDED } from "../../report/run_facts.ts";
import { TELEMETRY_OPTIONS, telemetrySection } from "../telemetry_args.ts";
import type { CliIo } from "../cli_io.ts";
import { EXIT } from "../exit_codes.ts";
import { SYSINFO_HELP } from "../help.ts";

/** The flags of `llmload sysinfo`. */
const SYSINFO_OPTIONS = {
  ...TELEMETRY_OPTIONS,
  url: { type: "string" },
  target: { type: "string" },
  "api-key": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** What `llmload sysinfo` was asked. */
export interface SysinfoArgs {
  help: boolean;
  json: boolean;
  telemetry: typeof DEFAULT_TELEMETRY;
  target?: { baseUrl: string; apiKey?: string } | { sim: true };
}

/** Parses `llmload sysinfo` flags; every problem in one UsageError. */
export function parseSysinfoArgs(
  args: string[],
  env: Record<string, string | undefined>,
): SysinfoArgs {
  const values: Record<string, string | boolean | string[] | undefined> =
    parseFlags("sysinfo", { args, options: SYSINFO_OPTIONS, strict: true }).values;
  const problems: string[] = [];
  if (values["gpu-interval"] !== undefined) {
    problems.push("--gpu-interval applies to runs only: sysinfo reads the GPUs once");
  }
  const telemetry = telemetrySection(values, problems) ?? DEFAULT_TELEMETRY;
  const target = values.target as string | undefined;
  if (target !== undefined && target !== "sim") {
    problems.push(`--target must be "sim" (got "${target}"); to describe a server use --url`);
  }
  if (target !== undefined && values.url !== undefined) {
    problems.push("--target sim and --url cannot be combined");
  }
  if (problems.length) throw new UsageError(problems);
  const apiKey = (values["api-key"] as string | undefined) ?? env.OPENAI_API_KEY;
  return {
    help: values.help === true,
    json: values.json === true,
    telemetry,
    target: target === "sim"
      ? { sim: true }
      : values.url !== undefined
      ? { baseUrl: String(values.url).replace(/\/+$/, ""), apiKey }
      : undefined,
  };
}

/** `llmload sysinfo`: the host/GPU/tags record as text (or JSON with --json). */
export async function sysinfoCommand(
  args: string[],
  io: CliIo,
): Promise<number> {
  const parsed = parseSysinfoArgs(args, io.env);
  if (parsed.help) {
    io.out(SYSINFO_HELP);
    return EXIT.ok;
  }
  const record = await readSystemRecord(parsed.telemetry, parsed.target);
  io.out(parsed.json ? JSON.stringify(record, null, 2) + "\n" : renderSystemRecord(record));
  return EXIT.ok;
}

/** The record as aligned text lines. */
export function renderSystemRecord(r: SystemRecord): string {
  const s = r.system;
  const gib = (b: number | null) => (b === null ? "memory n/a" : `${(b / 2 ** 30).toFixed(1)} GiB`);
  const lines = [
    `llmload ${VERSION}`,
    `Host      ${s.cpu_model ?? "CPU n/a"}, ${s.cpu_cores ?? "n/a"} cores, ${
      gib(s.memory_total_bytes)
    }, ${s.os}, kernel ${s.kernel ?? "n/a"}, host ${s.hostname ?? "n/a"}`,
  ];
  const sampler = r.gpu_sampler.command
    ? `via ${r.gpu_sampler.command.join(" ")}`
    : r.gpu_sampler.mode === "off"
    ? "--gpu-sampler off"
    : "nvidia-smi not on PATH";
  if (!r.gpus) {
    lines.push(`GPUs      none found (${r.gpus_problem ?? sampler})`);
  } else {
    const g = r.gpus[0];
    lines.push(
      `GPUs      ${r.gpus.length}, driver ${g.driver_version ?? "n/a"}, CUDA ${
        g.cuda_version ?? "n/a"
      } (${sampler})`,
    );
    for (const d of r.gpus) {
      lines.push(
        `  ${String(d.index).padStart(2)}  ${d.name}  ${
          d.memory_total_mib ?? "n/a"
        } MiB  ${d.uuid}`,
      );
    }
  }
  const tags = Object.entries(r.tags).map(([k, v]) => `${k}=${v}`);
  if (tags.length) lines.push(`Tags      ${tags.join(", ")}`);
  for (const [i, n] of r.notes.entries()) lines.push(`${i === 0 ? "Notes" : ""}`.padEnd(10) + n);
  if (r.server) {
    // The same facts a report's environment section shows (--json has the whole record).
    const shown = new Set(["Server", "Max model length", "KV cache", "Max LoRAs"]);
    const facts = environmentFacts({ server: r.server })
      .filter(([k, v]) => shown.has(k) && v !== NOT_RECORDED);
    for (const [i, [k, v]] of facts.entries()) {
      lines.push(`${i === 0 ? "Server" : ""}`.padEnd(10) + (k === "Server" ? v : `${k} ${v}`));
    }
    const models = (r.server.models as { id?: string }[] | null | undefined) ?? [];
    if (models.length) lines.push("".padEnd(10) + `models ${models.map((m) => m.id).join(", ")}`);
  }
  return lines.join("\n") + "\n";
}
