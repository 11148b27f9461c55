/**
 * The "test environment" and "configuration" facts of a run, read from its meta.json as label /
 * value pairs for reports. Pure. meta.json grows over versions (`system`, `gpus`, `server`,
 * `tags`, `notes` came later), so every fact is looked up under the names it may have and shows
 * {@link NOT_RECORDED} when the run did not record it: old runs still render.
 *
 * Tags (`meta.tags`, from `--tag key=value`) fill what detection could not: `tensor_parallel`
 * (or `tp`), `quantization`, `chunked_prefill`, `gpu`, `cuda`, `driver`, `server_version`.
 */

/** What a report shows for a fact the run did not record. */
export const NOT_RECORDED = "not recorded";

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? v as Json : undefined;

/** The value at a dotted path (`server.engine.tensor_parallel_size`), or undefined. */
function at(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const part of path.split(".")) {
    // Arrays take numeric parts ("server.models.0.max_model_len").
    if (Array.isArray(cur) && /^\d+$/.test(part)) {
      cur = cur[Number(part)];
      continue;
    }
    const o = obj(cur);
    if (!o) return undefined;
    cur = o[part];
  }
  return cur;
}

/** The first path holding a non-null, non-empty value, as text; undefined when none. */
function first(root: unknown, paths: readonly string[]): string | undefined {
  for (const p of paths) {
    const v = at(root, p);
    if (v === undefined || v === null || v === "") continue;
    if (typeof v === "boolean") return v ? "ON" : "OFF";
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  }
  return undefined;
}

/** meta.gpus as a list of GPU objects, whatever its recorded shape. */
function gpuList(meta: Json): Json[] {
  const g = meta.gpus;
  if (Array.isArray(g)) return g.filter(obj) as Json[];
  const o = obj(g);
  if (!o) return [];
  for (const k of ["devices", "gpus", "list"]) {
    if (Array.isArray(o[k])) return (o[k] as unknown[]).filter(obj) as Json[];
  }
  return [o];
}

function mib(
  v: string | undefined,
  unitFromKey: "MiB" | "GiB" | "bytes" | "text",
): string | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) return v;
  if (unitFromKey === "bytes") return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (unitFromKey === "MiB") return `${n} MiB`;
  if (unitFromKey === "GiB") return `${n} GiB`;
  return v;
}

function memory(root: unknown, prefix: string): string | undefined {
  const p = prefix ? `${prefix}.` : "";
  return mib(first(root, [`${p}memory_total_mib`, `${p}memory_mib`]), "MiB") ??
    mib(first(root, [`${p}memory_total_gib`, `${p}memory_gib`]), "GiB") ??
    mib(first(root, [`${p}memory_total_bytes`, `${p}memory_bytes`]), "bytes") ??
    first(root, [`${p}memory_total`, `${p}memory`]);
}

/** Label / value pairs of the template's "test environment" section. */
export function environmentFacts(meta: Json): [string, string][] {
  const gpus = gpuList(meta);
  const g0 = gpus[0];
  const gpusObj = obj(meta.gpus);
  const tags = meta.tags;
  const cores = first(meta, ["system.cpu_cores", "system.cores", "system.logical_cpus"]);
  const cpu = first(meta, ["system.cpu_model", "system.cpu.model", "system.cpu"]);
  const os = first(meta, ["system.os_release", "system.os", "client.os"]);
  const kernel = first(meta, ["system.kernel", "system.kernel_release"]);
  // meta.json `server` (lib/telemetry/server_record.ts): a naming header when the server sent
  // one; the simulator says what it is; otherwise only the API is known.
  const server = first(meta, ["server.name", "server.headers.server", "tags.server"]) ??
    (at(meta, "target.sim") ? "llmload simulator" : meta.server ? "OpenAI-compatible" : undefined);
  const cache = obj(at(meta, "server.engine.cache_config_info"));
  const kvCache = cache
    ? [
      cache.num_gpu_blocks !== undefined ? `${cache.num_gpu_blocks} GPU blocks` : undefined,
      cache.block_size !== undefined ? `block size ${cache.block_size}` : undefined,
      cache.gpu_memory_utilization !== undefined
        ? `gpu_memory_utilization ${cache.gpu_memory_utilization}`
        : undefined,
      cache.enable_prefix_caching !== undefined
        ? `prefix caching ${cache.enable_prefix_caching}`
        : undefined,
    ].filter((x) => x !== undefined).join(", ")
    : undefined;
  const serverVersion = first(meta, ["server.version", "tags.server_version"]);
  const facts: [string, string | undefined][] = [
    ["CPU", cpu && cores ? `${cpu} (${cores} cores)` : cpu ?? cores],
    ["Host memory", memory(meta, "system")],
    ["GPU", first(g0, ["name"]) ?? first(meta, ["tags.gpu"])],
    ["VRAM", memory(g0, "")],
    [
      "GPU count",
      first(gpusObj, ["count"]) ?? (gpus.length > 0 ? String(gpus.length) : undefined),
    ],
    ["OS", os && kernel ? `${os} (kernel ${kernel})` : os ?? kernel],
    [
      "CUDA",
      first(g0, ["cuda", "cuda_version"]) ??
        first(meta, ["gpus.cuda_version", "gpus.cuda", "tags.cuda"]),
    ],
    [
      "Driver",
      first(g0, ["driver", "driver_version"]) ??
        first(meta, ["gpus.driver_version", "gpus.driver", "tags.driver"]),
    ],
    [
      "Server",
      server && serverVersion ? `${server} ${serverVersion}` : server ?? serverVersion,
    ],
    ["Model", first(meta, ["target.model"])],
    ["Max model length", first(meta, ["server.models.0.max_model_len"])],
    ["KV cache", kvCache || undefined],
    [
      "Max LoRAs",
      first(meta, ["server.engine.lora_requests_info.max_lora", "target.sim_engine.max_loras"]),
    ],
    [
      "Tensor parallel",
      first(meta, [
        "tags.tensor_parallel",
        "tags.tp",
        "server.engine.tensor_parallel_size",
        "server.config.tensor_parallel_size",
      ]),
    ],
    [
      "Quantization",
      first(meta, [
        "tags.quantization",
        "server.engine.quantization",
        "server.config.quantization",
      ]),
    ],
    [
      "Chunked prefill",
      first(meta, [
        "tags.chunked_prefill",
        "server.engine.enable_chunked_prefill",
        "server.config.enable_chunked_prefill",
        "target.sim_engine.chunked_prefill",
      ]),
    ],
    ["Simulator", meta.target && at(meta, "target.sim") ? "yes (llmload sim)" : undefined],
  ];
  const out = facts.map(([k, v]): [string, string] => [k, v ?? NOT_RECORDED])
    .filter(([k, v]) => k !== "Simulator" || v !== NOT_RECORDED);
  const t = obj(tags);
  if (t && Object.keys(t).length > 0) {
    out.push(["Tags", Object.entries(t).map(([k, v]) => `${k}=${v}`).join(", ")]);
  }
  const notes = Array.isArray(meta.notes) ? meta.notes.map(String) : [meta.notes].filter(Boolean);
  if (notes.length > 0) out.push(["Notes", notes.join(" · ")]);
  return out;
}

/**
 * meta.json's `command_line` (an argv array) as one shell-like line, arguments holding spaces or
 * quotes single-quoted; undefined when not recorded.
 */
export function commandLineText(meta: Json): string | undefined {
  const argv = meta.command_line;
  if (typeof argv === "string") return argv;
  if (!Array.isArray(argv) || argv.length === 0) return undefined;
  return argv.map((a) => {
    const s = String(a);
    return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
  }).join(" ");
}

function seconds(ms: unknown): string | undefined {
  return typeof ms === "number" ? `${ms / 1000} s` : undefined;
}

/** The load model in words: "closed loop, concurrency 8" or "open loop, poisson 10 req/s". */
export function describeLoad(meta: Json): string {
  const load = obj(meta.load);
  if (!load) return NOT_RECORDED;
  const shape = obj(load.shape);
  const shapeText = shape ? ` (shape: ${first(shape, ["kind"]) ?? "custom"})` : "";
  if (load.mode === "closed") {
    const ramp = typeof load.ramp_ms === "number" ? `, ramp ${load.ramp_ms / 1000} s` : "";
    const eff = load.effective_concurrency;
    const effText = typeof eff === "number" && typeof load.concurrency === "number" &&
        eff < load.concurrency
      ? ` (${eff} effective: the run had ${eff} requests)`
      : "";
    return `closed loop, concurrency ${load.concurrency ?? "?"}${effText}${ramp}${shapeText}`;
  }
  const rate = load.rate === null || load.rate === undefined ? "" : ` ${load.rate} req/s`;
  const cap = typeof load.max_in_flight === "number" ? `, max in flight ${load.max_in_flight}` : "";
  return `open loop, ${load.arrival ?? "trace"}${rate}${cap}${shapeText}`;
}

/** Label / value pairs of the "configuration" section. */
export function configurationFacts(meta: Json): [string, string][] {
  const stop = [
    seconds(at(meta, "stop.duration_ms")),
    typeof at(meta, "stop.requests") === "number" ? `${at(meta, "stop.requests")} requests` : "",
  ].filter((x) => x).join(" or ");
  const warm = [
    seconds(at(meta, "warmup.duration_ms")),
    typeof at(meta, "warmup.requests") === "number"
      ? `${at(meta, "warmup.requests")} requests`
      : "",
  ].filter((x) => x).join(" or ");
  const dataset = obj(meta.dataset);
  const lora = obj(meta.lora);
  const promptMode = first(meta, ["prompt_length_mode"]);
  const prompt = dataset
    ? `dataset ${first(dataset, ["path", "file", "name"]) ?? ""}`.trim()
    : first(meta, ["request.prompt_tokens"]);
  const output = first(meta, ["request.output_tokens"]);
  const maxTokens = first(meta, ["request.max_tokens"]);
  const facts: [string, string | undefined][] = [
    ["Target", first(meta, ["target.url"])],
    ["Model", first(meta, ["target.model"])],
    ["Endpoint", first(meta, ["endpoint"])],
    ["Load", describeLoad(meta)],
    ["Stop after", stop || (at(meta, "load.shape") ? "the end of the arrival shape" : undefined)],
    ["Warm-up", warm || "none"],
    ["Prompt tokens", prompt && promptMode ? `${prompt} (${promptMode})` : prompt],
    ["Output tokens", output ?? (maxTokens ? `max_tokens ${maxTokens}` : undefined)],
    [
      "Adapters",
      lora
        ? `${lora.mode}, ${lora.adapter_count ?? "?"} adapter(s)${
          lora.selection ? `, selection ${JSON.stringify(lora.selection)}` : ""
        }`
        : "none",
    ],
    ["Seed", first(meta, ["seed"])],
    ["llmload version", first(meta, ["llmload_version"])],
    ["Started", first(meta, ["started_at"])],
    ["Ended", first(meta, ["ended_at"]) ?? (meta.interrupted ? "interrupted" : undefined)],
    ["Command line", commandLineText(meta)],
  ];
  return facts.map(([k, v]): [string, string] => [
    k,
    v === undefined ? NOT_RECORDED : k === "Command line" ? "`" + v + "`" : v,
  ]);
}
