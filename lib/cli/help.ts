/** `llmload --help`. */
export const MAIN_HELP = `llmload — load generator and benchmark for OpenAI-compatible LLM servers

Usage:
  llmload run [options]        run a benchmark against a server (or the built-in simulator)
  llmload run SCENARIO [opts]  run a built-in scenario or a scenario file (./my_scenario.ts);
                               options override the scenario's values
  llmload run --config DIR --target NAME --model NAME --workload NAME [opts]
                               run from YAML configs (targets/models/workloads.yaml)
  llmload search --axis rate|concurrency --slo EXPR [opts]
                               find the highest load that still meets the SLOs
  llmload scenarios            list the built-in scenarios
  llmload report DIR           re-render report.md (and report.html) of a run, sweep or
                               comparison directory from its raw files
  llmload compare A B [more]   compare runs (A = baseline): table, comparison directory
  llmload merge DIR... [--out DIR]
                               merge the run directories of --shard i/N runs into one run
  llmload history [options]    trend of past runs from results/history.jsonl (+ history.html)
  llmload sim [options]        serve the built-in vLLM-like simulator
  llmload demo [--out DIR]     ~20 s tour: a closed-loop and an open-loop run against the simulator
  llmload variants --cleanup [--out DIR]
                               stop servers earlier variants runs left running
  llmload sysinfo [options]    print the host, GPUs (nvidia-smi), tags and notes a run records
  llmload agent [options]      HTTP control API: register, queue, run and fetch tests remotely
  llmload calibrate [options]  llmload's own measurement error on this machine, per load level
  llmload trace-stats FILE     a JSONL trace's lengths and ideal prefix-cache hit rate
  llmload version              print the version
  llmload <command> --help     options of one command

Examples:
  llmload run --target sim --concurrency 8 --requests 200
  llmload run --url http://127.0.0.1:8000/v1 --rate 5 --duration 60s --prompt-tokens 6000
  llmload run --target sim --rate-stages 10s@2,20s@10,10s@2
  llmload run prompt-lengths --target sim --requests 4
  llmload search --target sim --axis concurrency --slo "ttft.p99<=500ms" --duration 10s
  llmload sim --port 8000
  llmload compare results/20261127-101500-ab12 results/20261127-102000-cd34

Exit codes:
  0 ok   1 runtime failure (also a scenario hook that threw)   2 usage or config error
  3 a gate, SLO or baseline regression failed (verdict.json says which)
  4 target unreachable or not ready
  130 interrupted (Ctrl-C; finished results are kept)   143 stopped by SIGTERM (the same)
  A run whose results root is locked by another run exits 2; --max-runtime reached exits 1.
`;

/**
 * `llmload run --help`: the options most runs use, grouped. Every option, with the details,
 * is {@link RUN_HELP} (`llmload help run --all`, `llmload run --help --all`).
 */
export const RUN_HELP_BRIEF = `llmload run — send load to an OpenAI-compatible server and measure it

  llmload run [SCENARIO] [options]
  SCENARIO: a built-in (\`llmload scenarios\`) or a scenario file (./x.ts); options override it.

Target:
  --url URL              API base (default: $OPENAI_BASE_URL, else http://127.0.0.1:8000/v1)
  --target sim           the built-in simulator, in-process on a free 127.0.0.1 port
  --model NAME           model or LoRA adapter (default: the first model from GET /v1/models)
  --api-key KEY          bearer token (default: $OPENAI_API_KEY); never written to any output
  --endpoint chat|completions            (default chat)

Load (default --concurrency 1):
  --concurrency N        closed loop: N virtual users, each sends when its last request ends
  --rate R               open loop: R requests/s on schedule, whatever the responses do
    --arrival constant|poisson|gamma     (default poisson); --burstiness K with gamma
    --max-in-flight N    cap on requests in flight; a send that finds it full is dropped
  --workers N|auto       worker threads that send the load (default 1)

Stop (first wins; default --duration 60s):
  --duration 60s         measured time        --requests N           measured requests
  --warmup 10s           warm-up time         --warmup-requests N    warm-up requests

Requests:
  --prompt-tokens N      prompt length in tokens, exact with /tokenize or --tokenizer (default 256)
  --max-tokens N         max_tokens per request (default 128)
  --ignore-eos           generate exactly max_tokens (vLLM ignore_eos)
  --dataset FILE         prompts from JSONL, JSON, ShareGPT or CSV instead of synthetic text
  --seed N               every random choice reproducible (default 42)
  --timeout 300s         whole-request limit; also --connect-timeout and --ttft-timeout

Output and verdict (exit 3 when a check fails):
  --out DIR              results root (default results/): DIR/<run-id>/
  --quiet, -q            no progress line, only the final summary
  --slo EXPRS            e.g. "ttft.p99<=500ms,tpot.p50<=40ms": attainment and goodput
  --fail-on EXPR         e.g. "error_rate>1%"; repeatable
  --baseline DIR|latest  fail on a regression against a stored run

Examples:
  llmload run --target sim --concurrency 8 --requests 200
  llmload run --url http://127.0.0.1:8000/v1 --rate 5 --duration 5m --warmup 30s --max-in-flight 64
  llmload run prompt-lengths --url http://127.0.0.1:8000/v1 --concurrency 1

More: llmload help run --all (every option: arrival shapes, lengths, sampling, datasets,
simulator, LoRA, server variants, telemetry, gates, shards, client). Docs: docs/running.md
`;

/** `llmload help run --all`: every option of `llmload run`. */
export const RUN_HELP = `llmload run — send load to an OpenAI-compatible server and measure it

  llmload run [SCENARIO] [options]
  SCENARIO is a built-in name (\`llmload scenarios\`) or a scenario file path (./x.ts). Options
  override the scenario: --requests/--duration replace its stop rule, --concurrency/--rate its
  load; an option for a swept axis (e.g. --concurrency 1 on prompt-lengths) keeps only the
  points with that value. A sweep writes DIR/<sweep-id>/ with one sub-run per point, sweep.csv,
  sweep.json, and prints one row per point. Sweep axes: concurrency, rate, promptTokens,
  maxTokens, outputTokens, sharedPrefixTokens, temperature, prefixGroups. A scenario file may
  also give target defaults (url, model, endpoint; the command line wins), the whole request
  recipe (output shape, shared prefix or prefix groups, text source, dataset, sampling) and
  setup/teardown hooks: setup runs once before the first request (throwing exits 1, nothing
  sent), teardown once at the end, also after a failure or Ctrl-C (docs/scenarios.md).

Config files (YAML; see fixtures/configs/ and docs/yaml_configs.md):
  --config DIR|FILE      read DIR/targets.yaml, models.yaml, workloads.yaml (each optional), or
                         one file with top-level targets, models and workloads lists
  --target NAME          a target by name: its base_url, and its key from the env var named
                         by api_key_env (--target sim still means the simulator)
  --model NAME           a models.yaml name, sent as its full_name (else sent as given)
  --workload NAME        duration, rps, concurrency (with rps: the in-flight cap),
                         prompt_tokens, max_tokens, warmup; required when there are several
  --workload all         every workload, in file order: one sweep (DIR/<id>-all-workloads/,
                         a run directory and a table row per workload), exit 3 if any level
                         fails its gates; Ctrl-C stops the sequence (a workload named "all"
                         is refused: rename it)
                         Options on the command line override the config's values.

Target:
  --url URL              API base (default: $OPENAI_BASE_URL, else http://127.0.0.1:8000/v1)
  --target sim           start the built-in simulator in-process on a free 127.0.0.1 port
  --model NAME           model or LoRA adapter (default: the first model from GET /v1/models)
  --api-key KEY          bearer token (default: $OPENAI_API_KEY); never written to any output
  --endpoint chat|completions            (default chat)

Simulator (with --target sim: the flags of \`llmload sim\` but --port, --host and --seed,
prefixed --sim-; the run's --seed seeds it; \`llmload sim --help\` says what each does):
  --sim-profile NAME     fixed (default), tiny, llama-8b-h100, llama-70b-8xh100
  --sim-ttft 40ms --sim-itl 10ms         fixed profile only
  --sim-model NAME       served model name (default sim-llama-8b)
  --sim-max-model-len N --sim-max-num-seqs N --sim-max-num-batched-tokens N
  --sim-chunked-prefill on|off --sim-prefix-caching on|off
  --sim-block-size N --sim-num-gpu-blocks N
  --sim-max-loras N --sim-max-cpu-loras N --sim-lora-load-time 25ms
  --sim-lora-adapters a,b=/path          served from the start (a --dataset's adapters are added)
  --sim-fault-500 R --sim-fault-503 R --sim-fault-429 R --sim-retry-after S
  --sim-fault-reset R --sim-fault-stall R:3s --sim-fault-slow-headers R:2s
  --sim-fault-malformed-sse R --sim-fault-invalid-json R --sim-fault-missing-done R
  --sim-usage off --sim-chunk-tokens N   a server sending no usage / N tokens per SSE event
  --sim-reasoning-tokens N               the first N tokens of each chat stream are reasoning
  --sim-truth-log FILE   append the simulator's ground truth (when each token was written), one
                         JSON line per request, to compare with requests.jsonl by request id
                         meta.json records them (target.sim_options) and the resulting engine
                         parameters (target.sim_engine). A scenario's \`sim: {...}\` block sets
                         defaults; --sim-* flags win

Load (pick one; default --concurrency 1):
  --concurrency N        closed loop: N virtual users, each sends its next request when its
                         last one ends; users start staggered over --ramp (default N×2ms, ≤1s)
  --rate R               open loop: R requests/s, sent on schedule whatever the responses do
    --arrival constant|poisson|gamma     (default poisson)
    --burstiness K       gamma shape: <1 burstier, >1 smoother (needs --arrival gamma)
    --max-in-flight N    cap; a send that finds the cap full is dropped and reported
    --queue              with --max-in-flight: wait for a free slot instead (counted as late)

Arrival shapes (the load changes over time; its end ends the run unless --duration/--requests
cut it first; times stay absolute under every shape):
  --rate R --ramp-to R2 --ramp-over 60s  open loop ramping from R to R2 req/s (R may be 0)
    --ramp-curve linear|exponential      (default linear; exponential needs R, R2 > 0)
  --rate-stages 30s@5,1m@20,30s@5        open loop: DURATION@RATE stages (0 pauses)
  --concurrency-stages 30s@4,1m@16       closed loop: DURATION@USERS stages; new users start
                         staggered over --ramp, removed users finish their request first
  --trace FILE           replay a JSONL trace: {"timestamp", "input_length"?, "output_length"?}
                         per line (Mooncake traces as is); each request asks for its line's
                         prompt and output lengths (add --ignore-eos for exact outputs)
    --trace-speed X      2 replays twice as fast, 0.5 half as fast (default 1)
    --trace-time-unit ms|s               unit of "timestamp" (default ms)
    --trace-on-error skip|fail           malformed lines: stop before the run (default) or skip
    --trace-block-size N tokens per "hash_ids" block (default 512): lines sharing leading ids
                         share exactly those leading prompt tokens (docs/traces.md)
  --arrival, --burstiness and --max-in-flight apply to ramps and rate stages too (arrivals
  follow the integrated rate). A scenario file may also give load.rate as a function
  (t) => req/s | null (docs/running.md "Arrival shapes").

Stop (either or both, first wins; default --duration 60s, none with an arrival shape):
  --duration 60s         measured time (after warm-up)
  --requests N           measured requests (after warm-up)
  --warmup 10s           requests scheduled in the first 10s are warm-up
  --warmup-requests N    the first N requests are warm-up
                         (warm-up requests are kept in requests.jsonl, left out of statistics)

Requests:
  --dataset FILE         prompts from a file instead of synthetic text: JSONL
                         {"prompt"|"messages", "adapter_name"?, "max_tokens"?}, prompts.json,
                         adapters.json, ShareGPT or CSV (format detected). Request i uses item
                         i mod n (cycles when --requests exceeds the items); an item's adapter
                         is sent as the model, its max_tokens overrides --max-tokens. Not with
                         --prompt-tokens, --shared-prefix-tokens, --text-source or --tokenizer
  --dataset-format jsonl|json|sharegpt|csv|prompts|adapters
                         override format detection
  --dataset-take N       use N items (random ones with --dataset-shuffle); or
  --dataset-fraction F   use this share of the items, 0 < F ≤ 1
  --dataset-shuffle      shuffle the items, seeded by --seed
  --dataset-on-error skip|fail
                         malformed records: fail before the run (default), or skip with a warning
  --prompt-column NAME   CSV column holding the prompt (default "prompt")
  --prompt-tokens N      prompt length in tokens (default 256). Exact when the server has
                         /tokenize (vLLM, the simulator): calibrated with the server's own
                         tokenizer before the load starts (chat: template included, so
                         usage.prompt_tokens = N), or with --tokenizer. Otherwise one token per
                         word, with a warning and "lengths APPROXIMATE" in the summary;
                         meta.json records prompt_length_mode exact, local_tokenizer or estimate
  --tokenizer PATH       measure prompt lengths with a local Hugging Face tokenizer instead of
                         the server's /tokenize (for TGI, LiteLLM, llama.cpp; no network): a
                         model directory holding tokenizer.json (+ tokenizer_config.json for
                         the chat template and BOS), or the tokenizer.json file itself. With
                         --target sim the simulator counts with it too
  --shared-prefix-tokens N
                         the first N prompt tokens are identical in every request (to test
                         prefix caching); the rest differs per request (default 0: all differ)
  --prefix-groups G      G shared-prefix groups (1-128, docs/shared_prefix.md): each group has its
                         own prefix, distinct from its first token; prompt tokens are then
                         --prefix-tokens + --question-tokens (not with --prompt-tokens,
                         --shared-prefix-tokens, --dataset or --trace). meta.json records the
                         ideal prefix-cache hit rate, and the /metrics line shows it beside the
                         server's
  --prompts-per-group P  distinct questions per group, used in turn (default 100)
  --prefix-tokens S      tokens of each group's prefix (default 1024)
  --question-tokens Q    tokens after the prefix, unique per question (default 128)
  --group-policy round-robin|uniform|zipf
                         which group request i gets: i mod G (default), a seeded uniform draw,
                         or a seeded Zipf draw (P(group k) ∝ 1/(k+1)^s)
  --zipf-exponent s      the Zipf exponent (default 1.0)
  --text-source english|korean|FILE
                         prompt words: built-in English or Korean corpus, or a UTF-8 text file
                         whose words are used in order, cycled (default english)
  --max-tokens N         max_tokens per request (default 128)
  --output-tokens uniform:MIN-MAX|normal:MEAN,SD
                         max_tokens drawn per request from the seed (normal clamped to ≥ 1);
                         instead of --max-tokens
  --ignore-eos           ask the server to generate exactly max_tokens (vLLM ignore_eos)
  --seed N               every random choice reproducible (default 42)

Sessions (multi-turn conversations; docs/sessions.md):
  --sessions             each closed-loop user (or open-loop arrival) runs whole multi-turn
                         sessions; each turn sends the history so far as chat messages. Turns
                         come from --dataset conversations (ShareGPT, JSONL messages), else are
                         synthetic. Records get session_id and turn; summary.json by_turn.
                         --multi-turn is the same. Needs --endpoint chat
  --turns N|uniform:MIN-MAX|normal:MEAN,SD
                         synthetic sessions: user turns per session (default 3)
  --turn-tokens N        synthetic sessions: tokens per user turn (default --prompt-tokens)
  --answer-tokens N|uniform:MIN-MAX|normal:MEAN,SD
                         max_tokens of each turn (default --max-tokens / --output-tokens)
  --think-time D|uniform:D1-D2|exp:MEAN
                         wait after each answer before the next turn, e.g. uniform:0.5s-2s
                         (default 0)
  --session-history server|dataset
                         the history's assistant turns: the server's actual answers (default)
                         or the dataset's recorded answers

Sampling (each sent only when given; otherwise the server's defaults apply; a negative value
needs the = form, e.g. --presence-penalty=-0.5):
  --temperature T        0 = greedy (T ≥ 0)
  --top-p P              nucleus sampling, 0 < P ≤ 1
  --top-k K              keep the K likeliest tokens; -1 or 0 = off (vLLM)
  --min-p P              0 ≤ P ≤ 1 (vLLM)
  --presence-penalty X, --frequency-penalty X
                         -2 ≤ X ≤ 2
  --repetition-penalty X X > 0; > 1 discourages repeats (vLLM)
  --stop-sequence TEXT   stop generating at TEXT; repeat for several (sent as stop: [...])
  --request-seed N       the body's seed (per-request sampling seed; not llmload's --seed)
  --timeout 300s         whole-request limit; also --connect-timeout (until response headers)
                         and --ttft-timeout (until the first token)

Output:
  --out DIR              results root (default results/); the run writes DIR/<run-id>/:
                         requests.jsonl, summary.json, summary.csv, meta.json, report.md,
                         report.html (+ server_metrics.jsonl when the server has /metrics,
                         gpu.csv with GPU data)
  --gzip-records         write requests.jsonl.gz (gzip, ~3x smaller); every command reads it
  --token-times all|off  off: requests.jsonl keeps each request's first and last token time
                         only (TTFT, E2E, TPOT exact from the file; summary.json's ITL is still
                         measured from every token). Sizes: docs/statistics.md
  --quiet, -q            no progress line, only the final summary (without a terminal the
                         progress is one plain line every 10 s; no colours, also with NO_COLOR)

Unattended runs (cron, systemd; docs/nightly.md):
  --wait-ready 300s      poll /health, then /v1/models (with --api-key) until the server
                         answers; still not ready after that long: exit 4 with the last error
  --max-runtime 2h       hard limit for the whole command (sweeps, LoRA compares included):
                         stops like SIGTERM, partial results marked interrupted, exit 1
  --grace 10s            after SIGINT/SIGTERM/--max-runtime no new request is sent; those in
                         flight may finish for this long, then are cancelled (default 10s;
                         0 cancels at once). A second signal cancels at once, a third exits.
  A lock <out>/.llmload-<scenario or run>.lock (pid, host, start) keeps two runs of one
  scenario from overlapping: the second exits 2; a dead process's lock is taken over.

Server variants (docs/server_variants.md): start each server configuration in turn, run
the same load (or the scenario's sweep) on each, stop it, compare them side by side:
  --server-cmd "CMD"     the server command, never run through a shell; must contain {port}
                         (a free 127.0.0.1 port per variant, where the load goes); also
                         {model} (--model), {host} and {llmload} (this llmload, e.g.
                         "{llmload} sim --port {port} --chunked-prefill={chunked}")
  --server-param k=v1,v2 fills {k}; repeat for more: their Cartesian product, first slowest
  --link a,b             parameters a and b move together (equal-length lists), not multiplied
  --ready-timeout 10m    wait for /health or /v1/models (default 10m): else never_ready
  --server-grace 10s     SIGTERM to the server's process group, SIGKILL after this long
  --resume DIR           continue a sweep directory: variants with a variant.json are skipped
  Writes DIR/<sweep-id>/: variants.json, comparison.md, comparison.html, and per variant
  server.log, variant.json and one run directory per point. A server that exits early, never
  becomes ready, crashes mid-run or runs out of memory is recorded (exited_early, never_ready,
  crashed_mid_run, oom, with its log's last lines) and the next variant runs; exit 1 then.
  variants.json records each server's pid and command line: a variants run first stops the
  servers an earlier run under the same --out left running (llmload killed with its watchdog),
  as \`llmload variants --cleanup\` does on demand.
  llmload run chunked-prefill-ab
  llmload run --server-cmd "vllm serve {model} --port {port} --enable-chunked-prefill={chunked}
    --max-num-batched-tokens {mnbt}" --server-param chunked=True,False
    --server-param mnbt=2048,8192 --model meta-llama/Llama-3.1-8B-Instruct --rate 2 --requests 100

History and monitoring exports (docs/reports.md):
  every run (and sweep point) appends one line to DIR/history.jsonl and rewrites
  DIR/history.html; see \`llmload history --help\`
  --prom-file PATH.prom  write the run's key metrics (TTFT/TPOT/E2E p50/p99 in seconds,
                         req/s, output tok/s, errors, goodput, GPU peak/energy, verdict 0/1)
                         as Prometheus text for node_exporter's textfile collector, atomically
                         (temp file + rename in the same directory); a sweep writes every point
  --pushgateway URL      also PUT that text to URL/metrics/job/llmload/scenario@base64/…/
                         target@base64/…/model@base64/… (a failed push is a warning)

SLOs, gates and baselines (docs/nightly.md; exit 3 when any fails):
  --slo EXPRS            objectives, e.g. "ttft.p99<=500ms,tpot.p50<=40ms,e2e.p95<=10s": each
                         statistic must hold on the summary, and bounds each request too (a
                         request meets the SLO when its own TTFT/TPOT/E2E/every ITL is within);
                         summary.json "slo": attainment % and goodput (req/s meeting all)
  --fail-on EXPRS        fail when an expression holds: "error_rate>1%", "ttft.p99>800ms",
                         "output_tokens_per_s<2000", "goodput<4"; repeatable. Metrics: ttft,
                         tpot, itl, e2e with .mean .min .max .p50 .p90 .p95 .p99 .p999 (ms or
                         s); error_rate, slo_attainment (%); requests_per_s,
                         output_tokens_per_s, total_tokens_per_s, goodput (plain numbers)
  --no-default-gates     drop the default gate error_rate>5% (a --fail-on on error_rate
                         replaces it too)
  --baseline DIR|latest  compare with a stored run (latest: the newest run under --out with the
                         same command recipe and target); p50/p99 TTFT, TPOT, ITL, E2E,
                         requests/s and output tokens/s may be at most 10 % worse, and, when
                         the baseline has repeats, worse by more than their run-to-run spread.
                         A sweep compares each point with the same point of an earlier sweep
                         (DIR may be a sweep directory)
  --baseline-tolerance 10%
                         how much worse a baseline metric may get
  --junit FILE           also write the verdict as JUnit XML, one test case per check
  Every run writes verdict.json; the reasons of a failure are printed last.

Server metrics (docs/telemetry.md):
  --metrics on|off       scrape the server's Prometheus /metrics during the run (default on):
                         queue, KV cache, preemptions, token counters, LoRA adapters, into
                         server_metrics.jsonl and summary.json server_metrics; meta.json
                         server records /version, models, engine settings and naming headers.
                         A server without /metrics gets one warning. off: no /metrics at all
  --metrics-interval 1s  time between scrapes (default 1s; 250ms in LoRA runs; ≥ 50ms); a
                         slow scrape skips ticks, never delays a request

GPU and system telemetry (docs/telemetry.md):
  --gpu-sampler auto|off|CMD
                         auto (default): nvidia-smi when on PATH, else one warning and
                         summary gpu: null; off: none; CMD: a command run without a shell
                         that prints nvidia-smi's lines, the query flags appended, e.g.
                         "ssh gpu-box nvidia-smi". Samples go to gpu.csv on the run's clock;
                         summary.json "gpu": VRAM baseline/peak/mean/delta, utilisation,
                         power, energy (J) and output tokens per joule
  --gpu-interval 500ms   nvidia-smi's sampling interval (-lms; a bare number is ms)
  --gpus 0,1             sample only these GPU indices (-i)
  --gpu-processes        also sample each process's GPU memory (--query-compute-apps) into
                         gpu_processes.csv
  --tag KEY=VALUE        record what cannot be detected (tp=8, quantization=fp8, ...) in
                         meta.json "tags"; repeatable. Values of secret-looking keys
                         (token, api_key, password) are written as ***
  --note TEXT            a free-text note in meta.json "notes"; repeatable
  meta.json also records the host (CPU, cores, memory, OS, kernel) and the GPUs (name, memory,
  driver, CUDA) as "system" and "gpus".

Multi-host runs (docs/multi-host.md):
  --shard i/N            run shard i (0-based, the Kubernetes completion index) of N: every
                         shard walks the whole schedule with the same --seed and sends only its
                         share (open loop: arrivals by a seeded hash, so a Poisson process stays
                         Poisson; closed loop: users u with u mod N = i, and its share of
                         --requests/--warmup-requests). --max-in-flight caps each shard.
                         Merge the shards' run directories with \`llmload merge\`
  --start-at TIME        time 0 of the run is this wall-clock instant, the same on every shard:
                         2026-11-27T12:00:00Z (ISO 8601 with a zone), +30s (from now) or epoch
                         ms; in the future, at most 24 h ahead. The run prepares, then waits
                         (Ctrl-C stops it); meta.json records shard, start_at and
                         time_origin_epoch_ms = start_at

Client:
  --transport auto|socket|fetch
                         how requests go on the wire (default auto). socket: hand-written
                         HTTP/1.1 over raw TCP/TLS sockets with keep-alive; about 40 % less
                         client CPU per token event than fetch (Deno's fetch hands over one
                         chunk frame per read). fetch: Deno's fetch, which honours proxies.
                         auto: socket, or fetch (with a one-line notice) when HTTP_PROXY /
                         HTTPS_PROXY / ALL_PROXY (or lower case) applies to the target and
                         NO_PROXY does not exempt it; meta.json records transport_resolved
  --preconnect N|off|auto
                         open N keep-alive connections to the target before time 0, at most
                         32 connects at a time (default auto: one per user for closed loops
                         of 64+ users; none for open loops, --start-at or a --ramp over 4 s).
                         Workers open their own share. socket transport only (fetch has no
                         pool to fill).
                         requests.jsonl's connect_ms: time a request spent opening its own
                         connection (absent when it reused one, and with fetch)
  --workers N|auto       worker threads that send the load (default 1: the main thread).
                         Each has its own connections and event loop and sends its share
                         of the users (closed loop) or arrivals (open loop) of one global
                         schedule; same seed, same requests as 1. auto: token events/s the
                         plan implies ÷ 40000, at most cores − 1 (− 1 more for a local
                         server or --target sim). Every run reports the client's health
                         (event-loop lag, CPU, send lateness) and says when it saturated

LoRA adapters (docs/lora.md):
  --adapters a,b,c       the adapter set, by served name
  --adapters-dir DIR     one folder per adapter, each with adapter_config.json (rank, alpha,
                         target modules and base model are recorded in meta.json)
  --adapters-from-server the target's /v1/models adapters of the base model (also used on its
                         own when a strategy needs a set and no other source gives one)
  --adapter-count N      use the set's first N adapters
  --adapter-selection S  per request, seeded: round-robin (default), shuffle, zipf[:S],
                         weighted:a=3,b=1, distinct, uniform, identical (batches of
                         --concurrency), dataset (each item's adapter_name; default when the
                         dataset names adapters and no set is given), none (base model)
  --lora-mode multi|baseline|base|compare
                         multi (default): the set; baseline: --baseline-adapter for every
                         request; base: no adapter; compare: baseline, then multi (then base
                         with --with-base), same prompts, seed and schedule, into one parent
                         directory with comparison.json and comparison.md
  --baseline-adapter NAME  the one adapter of baseline (needed by baseline and compare)
  --with-base            compare also runs the base model
  --load-adapters        POST /v1/load_lora_adapter for each adapter before the run (timed in
                         meta.json); a server that refuses runtime loading stops it (exit 4)
  --unload-after         with --load-adapters: unload them after the run
  Every LoRA run prints and saves per-adapter statistics (summary.json "adapters") with each
  adapter's cold start (first request, cold_start in requests.jsonl) against its warm TTFT.
  With --target sim the simulator serves the adapters, each loaded on its first use (a cold
  start costing --sim-lora-load-time); --sim-max-loras sets how many share a step.

Examples:
  llmload run --target sim --concurrency 8 --requests 200 --prompt-tokens 1000
  llmload run --url http://127.0.0.1:8000/v1 --concurrency 100 --requests 400
  llmload run --url http://127.0.0.1:8000/v1 --prompt-tokens 10000 --shared-prefix-tokens 8000 \\
              --output-tokens normal:200,50 --ignore-eos --requests 50
  llmload run --url http://127.0.0.1:8080/v1 --tokenizer /models/llama-3.1-8b/ \\
              --prompt-tokens 3000 --requests 100 --concurrency 16
  llmload run --url http://127.0.0.1:8000/v1 --rate 20 --arrival gamma --burstiness 0.5 \\
              --max-in-flight 64 --duration 5m --warmup 30s
  # chunked prefill on vs off, 8B model: off cuts TTFT of long prompts, on keeps ITL low
  llmload run --target sim --sim-profile llama-8b-h100 --sim-max-num-batched-tokens 2048 \\
              --sim-chunked-prefill on --rate 2 --arrival constant --requests 30 \\
              --prompt-tokens 8000 --max-tokens 128 --ignore-eos
  llmload run --target sim --sim-profile llama-8b-h100 --sim-max-num-batched-tokens 2048 \\
              --sim-chunked-prefill off --rate 2 --arrival constant --requests 30 \\
              --prompt-tokens 8000 --max-tokens 128 --ignore-eos
  # how 5xx errors are reported, without a second process
  llmload run --target sim --sim-fault-500 0.05 --sim-fault-503 0.05 --requests 200
  llmload run --target sim --rate 1 --ramp-to 20 --ramp-over 60s --max-in-flight 64
  llmload run --target sim --concurrency-stages 30s@2,1m@16,30s@2
  llmload run --url http://127.0.0.1:8000/v1 --trace mooncake.jsonl --trace-speed 2 --ignore-eos
  llmload run multi-lora --target sim --lora-mode compare
  llmload run --url http://127.0.0.1:8000/v1 --adapters-dir adapters/ --adapter-selection zipf:1.1 \\
              --concurrency 8 --requests 200
  llmload run --url http://127.0.0.1:8000/v1 --rate 10 --duration 5m --metrics-interval 500ms
`;

/** `llmload variants --help`. */
export const VARIANTS_HELP = `llmload variants — housekeeping for server-variant runs

  llmload variants --cleanup [--out DIR]

  --cleanup      stop every server that a variants run under DIR (default results/) recorded in
                 its variants.json and that still runs: SIGTERM to its process group, SIGKILL
                 after 5 s; one line per server stopped, or "no recorded servers running".
                 A server is stopped only while its command line is still the recorded one (a
                 reused pid running something else is left alone), its llmload is gone (a run
                 in progress keeps its servers) and it was recorded on this host. Exit 0.
  --out DIR      the results root the variants runs wrote to (default results/)
  Every \`llmload run\` with server variants does the same first, for its --out.

Examples:
  llmload variants --cleanup
  llmload variants --cleanup --out /data/bench-results
`;

/** `llmload sysinfo --help`. */
export const SYSINFO_HELP =
  `llmload sysinfo — the host and GPU record a run writes to meta.json, without load

  llmload sysinfo [--gpu-sampler auto|off|CMD] [--gpus 0,1] [--tag K=V] [--note TEXT] [--json]

  Prints the host (CPU model and cores, memory, OS, kernel, hostname) and the GPUs (index, name,
  memory, uuid, driver and CUDA version, read through nvidia-smi or the --gpu-sampler command).
  --json prints the record as meta.json keys (system, gpus, tags, notes, gpu_sampler).
  --url URL / --target sim name the server to describe (its record is not read yet).

Examples:
  llmload sysinfo
  llmload sysinfo --gpu-sampler "ssh gpu-box nvidia-smi" --json
  llmload sysinfo --gpu-sampler "deno run -A fixtures/nvidia-smi/fake_nvidia_smi.ts --fixture multi_8x_h100"
`;

/** `llmload sim --help`. */
export const SIM_HELP = `llmload sim — the built-in vLLM-like simulator, as a standalone server
(a model of a serving engine, not a measurement of real hardware)

Server:
  --port N               port (default 8000; 0 picks a free one)
  --host ADDR            listen address (default 127.0.0.1)
  --model NAME           served model name (default sim-llama-8b)
  --seed N               generated text, lengths, faults and step jitter are reproducible
  --truth-log FILE       append one JSON line per request: when it arrived and when each token
                         was written (ground truth for measuring a client's own error)
  --tokenizer PATH       count prompt tokens (usage, /tokenize, /detokenize) with this model's
                         Hugging Face tokenizer (directory with tokenizer.json, or the file)
                         and chat template, as vLLM would; default: one token per word
  --usage off            never send usage in streams (like @dwmkerr/mock-llm), whatever
                         stream_options asks; the client must count tokens itself
  --chunk-tokens N       N output tokens per SSE event (multi-token text chunks; default 1)
  --reasoning-tokens N   the first N output tokens of each chat stream go out as
                         delta.reasoning_content (a thinking model; default 0)

Engine (a continuous-batching step loop; flags override the profile's values):
  --profile NAME         fixed (default), tiny, llama-8b-h100, llama-70b-8xh100
  --ttft 40ms --itl 10ms fixed profile only: TTFT and ITL at any load
  --max-model-len N      context window (prompt + output tokens)
  --max-num-seqs N       sequences per step
  --max-num-batched-tokens N             token budget per step
  --chunked-prefill on|off               split long prompts across steps (on) or not (off)
  --prefix-caching on|off                cache full prompt blocks; a cached leading prefix skips
                         prefill (default on; also --[no-]enable-prefix-caching, as vLLM)
  --block-size N --num-gpu-blocks N      KV cache size; full cache → waiting, preemptions
  --max-loras N          distinct adapters in one step
  --max-cpu-loras N      adapters kept loaded; others cost --lora-load-time (e.g. 25ms) to load
  --lora-adapters a,b=/path              adapters served from the start (also listed in /v1/models)

A dying server (for server variants; llmload sim only, not --sim-*):
  --crash-after-requests N   exit 1 as generation request N arrives (0: at start-up)
  --crash-message TEXT       printed to stderr first (default "RuntimeError: simulated crash
                             ..."; e.g. "torch.OutOfMemoryError: CUDA out of memory")

Faults (each a rate between 0 and 1, drawn per request from the seed):
  --fault-500 R --fault-503 R --fault-429 R   error responses (--retry-after S adds the header)
  --fault-reset R        connection dropped mid-stream
  --fault-stall R:3s     no bytes for 3 s mid-stream
  --fault-malformed-sse R  a line without "data:"     --fault-invalid-json R  a broken JSON chunk
  --fault-missing-done R   no [DONE] at the end       --fault-slow-headers R:2s  late headers

Endpoints: /v1/chat/completions, /v1/completions, /v1/models, /tokenize, /detokenize,
/v1/load_lora_adapter, /v1/unload_lora_adapter, /metrics (vLLM names), /health, /version
over HTTP/1.1 (keep-alive, pipelining; streams send one chunk per token, like uvicorn); no h2c.

Examples:
  llmload sim --port 8000 &
  llmload run --url http://127.0.0.1:8000/v1 --concurrency 4 --requests 50
  llmload sim --profile llama-8b-h100 --chunked-prefill off --lora-adapters sql,chat --max-loras 2
  llmload sim --tokenizer /models/llama-3.1-8b/ --model llama-3.1-8b
  # in-process: every flag above but --port, --host, --seed and --tokenizer, prefixed --sim-
  # (llmload run's own --seed and --tokenizer serve the simulator too)
  llmload run --target sim --sim-profile llama-8b-h100 --sim-chunked-prefill off --requests 50
`;

/** `llmload demo --help`. */
export const DEMO_HELP = `llmload demo — two short runs against the built-in simulator (~20 s)

  1. closed loop: 8 virtual users, 512-token prompts, 10 s
  2. open loop: Poisson 12 req/s, 2 s warm-up, at most 32 in flight, 8 s measured

Each prints its summary table and run directory. Any run flag given (e.g. --out DIR, --quiet)
applies to both runs.
`;

/** `llmload report --help`. */
export const REPORT_HELP = `llmload report — re-render the reports of a results directory

  llmload report DIR

DIR is a run directory (meta.json, requests.jsonl, summary.json), a sweep directory
(sweep.json), a --lora-mode compare directory, an llmload compare directory (comparison.json)
or an llmload search directory (search.json: its reports are redrawn from search.json).
report.md (and report.html, once the HTML renderer is present) is rewritten from the raw files
alone: the statistics are recomputed from requests.jsonl (a warning names any key where they
differ from summary.json), gpu.csv and server_metrics.jsonl are used when present. Works for
runs made by older versions (missing telemetry files and meta.json keys read "not recorded").
Every run, sweep and comparison already writes report.md when it ends; the re-render is
byte-identical.

Example:
  llmload report results/20261127-101500-ab12
`;

/** `llmload merge --help`. */
export const MERGE_HELP = `llmload merge — merge the shards of one plan into one run directory

  llmload merge DIR... [--out DIR]

Each DIR is the run directory of one \`llmload run --shard i/N\` (every shard 0 … N−1 once, the
same flags apart from --shard). The records are concatenated onto the first shard's time axis
(shifted by the difference of the runs' wall-clock anchors, 0 with a shared --start-at) and
sorted by scheduled time; summary.json, summary.csv, per-adapter statistics, SLOs, verdict.json,
report.md and report.html are computed again from all records (percentiles of the whole run,
never averages of the shards'). meta.json is shard 0's plan with "shards" and "merged_from"
(each shard's directory, host, anchor and shift). Each shard's own files (meta.json,
summary.json, gpu.csv, server_metrics.jsonl, …) are kept in hosts/<i>/.
Refused with exit 2, nothing written: a DIR that is not a shard's run, a missing or duplicated
shard, shards of different plans, an existing --out. Exit 3 when the merged verdict fails.

  --out DIR    the merged run directory to create (default: merged-<shard 0's run id> beside
               the first DIR)

Example:
  llmload merge results/shards/* --out results/merged-nightly
`;

/** `llmload compare --help`. */
export const COMPARE_HELP = `llmload compare — align the same metrics across two or more runs

  llmload compare RUN_A RUN_B [RUN ...] [--format terminal|md|json|csv] [--out DIR]

The first run is the baseline. Compared: E2E latency, TTFT and TPOT (mean, p50, p95, p99), ITL
(mean, p50, p95, p99), requests/s, output tokens/s, success rate, and GPU memory peak and energy
when the runs have gpu.csv. Improvement is in % against the baseline, positive = better (lower
latency, memory and energy; higher rates and success).

Run-to-run noise: runs sharing a repeat key (meta.json tags.label, else the same command line
apart from --out, with the same load and request settings) are repeats. A metric's noise band
is the largest (max - min) / min of any repeat group; a change within it is marked "~".
Without repeats, noise is unknown (no mark).

Options:
  --format F    what to print: terminal (default: the COMPARISON RESULTS table), md, json, csv
  --out DIR     parent of the comparison directory (default results): DIR/<id>-compare/ gets
                comparison.json, comparison.csv (long format: one row per metric and run),
                comparison.md and report.md
  -h, --help    this help

Examples:
  llmload compare results/run-a results/run-b
  llmload compare results/off-1 results/off-2 results/on-1 results/on-2 --format md
`;

/** `llmload history --help`. */
export const HISTORY_HELP = `llmload history — the trend of past runs

  llmload history [--out DIR] [--scenario NAME] [--target URL|sim] [--last N]
                  [--format terminal|md|json|csv] [--html FILE.html]

Reads DIR/history.jsonl (one line per run and per sweep point, appended at the end of each) and
prints one row per run, oldest first: verdict, ok/failed, error rate, TTFT/TPOT/E2E p50 and
p99, requests/s, output tokens/s (goodput and GPU columns when recorded), each with its change
(Δ) against the previous run of the same series (scenario, target, sweep point). Runs whose
gates failed (verdict.json "fail") are marked FAIL and ✗ (red on a terminal).

Options:
  --out DIR        results root holding history.jsonl (default results)
  --scenario NAME  only runs of this scenario
  --target URL     only runs against this target (sim for --target sim)
  --last N         only the last N runs (after the other filters)
  --format F       terminal (default), md, json (runs with change_pct), csv (one row per run)
  --html FILE      also write the history page (charts of key metrics over time, failing runs
                   marked; self-contained). Every run already rewrites DIR/history.html.
  -h, --help       this help

Examples:
  llmload history
  llmload history --scenario nightly --last 30
  llmload history --target http://gpu-box:8000/v1 --format csv > trend.csv
  llmload history --scenario nightly --html nightly.html
`;

/** `llmload agent --help`. */
export const AGENT_HELP =
  `llmload agent — an HTTP control API to register, queue, run and fetch tests

Usage:
  llmload agent [--listen 127.0.0.1:8787] [--data-dir ./agent-data] [--token-file FILE]

Options:
  --listen HOST:PORT               address to serve on (default 127.0.0.1:8787); a non-loopback
                                   address needs a token
  --data-dir DIR                   tests (DIR/tests/ID.json) and results (DIR/runs/ID/)
                                   (default ./agent-data)
  --token-file FILE                bearer token required on every route but /health; or the
                                   LLMLOAD_AGENT_TOKEN environment variable
  --runners N                      tests run at once (default 1; more disturb each other's numbers)
  --allow-dir DIR                  registrations may read datasets, traces, tokenizers and text
                                   from DIR (repeatable); always allowed: <data-dir>/datasets/
  --allow-target PATTERN           registrations may send load to HOST, HOST:PORT, *.DOMAIN or *
                                   (repeatable); always allowed: loopback. Link-local and
                                   metadata addresses only when named exactly
  --max-tests N                    tests kept; the oldest finished ones beyond N are deleted
                                   (default 100)
  --registrations-per-minute N     POST /tests beyond N a minute answer 429 (default 60)

Routes (JSON; bodies up to 1 MiB, larger answer 413):
  GET    /health                          no token needed
  POST   /tests                           register: {"scenario": NAME, "args": [run flags]} or
                                          {"url", "model", "dataset_name", "endpoint_type",
                                          "dataset_config": {"random_seed", "subset", "rate"},
                                          "kwargs": {...}}; 400 lists every problem. Every
                                          built-in scenario runs, sweeps and multi-lora too
  POST   /tests/ID/start | /tests/ID/cancel
  GET    /tests | /tests/ID               status: registered queued running done failed
                                          cancelled interrupted (running shows live progress,
                                          and the sweep "point" running)
  GET    /tests/ID/report?format=json|md|html|csv     GET /tests/ID/requests.jsonl
                                          (a sweep: sweep.json/sweep.csv/its reports; seed
                                          fields per point; records tagged with their "point")
  DELETE /tests/ID

Secrets (api_key, any key named like token/secret/password/key) live in memory only and show as
***; a queued test whose secrets a restarted agent lost is marked failed. Nothing in a
registration is evaluated as code; scenarios are built-ins only; a --gpu-sampler command,
--prom-file, --junit, --sim-truth-log and --out are refused.

SIGTERM/Ctrl-C: running tests end as interrupted (results written so far), queued ones wait for
the next agent; a second signal exits at once.

Example:
  LLMLOAD_AGENT_TOKEN=s3cret llmload agent --listen 0.0.0.0:8787
`;

/** `llmload search --help`. */
export const SEARCH_HELP = `llmload search — find the highest load that still meets the SLOs

Usage:
  llmload search --axis rate|concurrency --slo EXPR [--slo EXPR ...] [search options] [run options]

How it searches (docs/nightly.md "SLO search"):
  Bracketing: runs --start (default --min); while a point passes, doubles the load (capped at
  --max); when a point fails with no pass below it, halves towards --min. Bisection: then halves
  the gap between the highest passing and the lowest failing load until it is no wider than
  --precision. Confirmation: the answer must pass twice; a load with any failing run counts as
  failing, so a failure is never rerun. Each point is one llmload run (same flags, the axis set
  to the point's load) into DIR/<search-id>/<run-id>/.

A point passes when:
  every --slo statistic holds (ttft.p99<=500ms, tpot.p50<=40ms, goodput>=5, ...);
  per-request SLO attainment >= --attainment (default 90%): the share of measured requests
    within every per-request bound the SLOs imply (ttft<=500ms bounds each request);
  error rate <= --max-error-rate (default 1%): (failed + dropped) / measured requests;
  no --fail-on gate fires.

Search options:
  --axis rate|concurrency   what to vary: requests/s (open loop) or virtual users (closed loop)
  --min X                   lowest load (default 1); failing here ends the search, exit 3
  --max X                   highest load (default 1024 users, 1000 req/s)
  --start X                 first load tried (default --min)
  --precision X|P%          stop when the gap between pass and fail is <= X (axis units) or
                            P% of the passing load (default 1 user, 5% of a rate)
  --max-points N            at most N runs in all, confirmations included (default 12); the
                            last one confirms the best pass rather than narrowing further
  --attainment P%           minimum per-request SLO attainment of a pass (default 90%)
  --max-error-rate P%       maximum failed + dropped share of a pass (default 1%)

Every llmload run option applies to each point (--url/--target sim, --model, --duration or
--requests per point, --warmup, --prompt-tokens, --max-tokens, --arrival, --max-in-flight,
--ramp, --sim-*, --fail-on, ...), except the load shapes (--concurrency, --rate, --rate-stages,
--concurrency-stages, --trace, --ramp-to) and --baseline/--junit. Before starting, the search
prints its bound: points x per-point duration.

Output (DIR/<search-id>/): a run directory per point, search.json (settings, every point in the
order run with pass/fail per objective and its numbers, the answer), search.csv, report.md and
report.html (each objective against the load, with the bound and pass/fail marks). The terminal
shows one row per point and, last: "highest rate meeting the SLOs: 12.5 req/s (confirmed twice)".

Exit codes: 0 an answer was found; 3 no load met the SLOs (even --min fails); 2 usage error;
130 interrupted (the points so far and the best answer so far are kept).

Examples:
  llmload search --target sim --axis concurrency --slo "ttft.p99<=500ms" --duration 10s
  llmload search --url http://127.0.0.1:8000/v1 --axis rate --min 1 --max 64 \\
      --slo "ttft.p99<=2s,tpot.p99<=50ms" --duration 60s --warmup 10s --precision 5%
  llmload search --url http://127.0.0.1:8000/v1 --axis rate --slo "ttft<=1s" --attainment 99% \\
      --requests 300 --arrival poisson
`;

/** `llmload calibrate --help`. */
export const CALIBRATE_HELP =
  `llmload calibrate — how far off are llmload's own numbers on this machine?

For each level: a closed-loop run of that many users against the built-in simulator with its
ground-truth log on (when the simulator really received each request and handed each token to
the socket), then llmload's measured − true TTFT and ITL, send lateness and the CPU of the
client's own thread, and a one-line conclusion: "trustworthy up to c≈N on this machine".
Each user's first request (which opens its connection) is warm-up: steady streaming is compared.
A level is trustworthy when TTFT error p50 ≤ 5 ms and p99 ≤ 20 ms (judged from 50 compared
requests), ITL error p99 ≤ 3 ms, and no request failed. The simulator shares the machine's cores, as a server on the same box would.

Usage:
  llmload calibrate [--levels 1,100,1000] [--itl 10ms] [--duration 10s] [--transport auto|socket|fetch] [--json]

Options:
  --levels 1,100,1000    concurrencies to try, one run each (default 1,100,1000)
  --itl 10ms             the simulator's inter-token latency (default 10ms)
  --ttft 50ms            the simulator's time to first token (default 50ms)
  --duration 10s         measured time per level (default 10s; at least 1s)
  --output-tokens SPEC   output length per request, as in llmload run (default uniform:100-200)
  --transport T          auto, socket or fetch (default: llmload run's default, auto)
  --out DIR              keep each level's run directory under DIR (with sim_truth.jsonl);
                         default: a temporary directory, removed at the end
  --json                 print the findings as JSON instead of the table
  -h, --help             this help

Examples:
  llmload calibrate
  llmload calibrate --levels 1,100,500,1000,2000 --transport socket --duration 20s
  llmload calibrate --levels 50 --duration 2s --json | jq .levels[0].ttft_error_ms

Exit codes: 0 done (whatever the verdict), 2 usage error.
`;

/** `llmload trace-stats --help`. */
export const TRACE_STATS_HELP =
  `llmload trace-stats — what a JSONL trace asks for, before replaying it

Reads a trace as \`llmload run --trace\` does (Mooncake lines as is: {"timestamp",
"input_length", "output_length", "hash_ids"}) and prints the request count, duration, input and
output length distributions (min/p50/p90/p99/max/mean), the prefix blocks it names, and the
ideal prefix-cache hit rate: with an infinite cache, in trace order, a block hits when an
earlier request had the same hash_ids up to and including it. Malformed lines are skipped with a
warning. Nothing is sent.

Usage:
  llmload trace-stats FILE [--trace-block-size N] [--trace-time-unit ms|s] [--json]

Options:
  --trace-block-size N   tokens per hash_ids block (default 512, Mooncake's)
  --trace-time-unit ms|s unit of "timestamp" (default ms)
  --json                 print the numbers as JSON
  -h, --help             this help

Examples:
  llmload trace-stats mooncake_trace.jsonl
  llmload trace-stats fixtures/traces/mooncake_1000.jsonl --json | jq .ideal_token_hit_rate

Exit codes: 0 done, 2 usage error (no file, unreadable file, no valid line).
`;
