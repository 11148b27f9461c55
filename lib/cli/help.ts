/** `llmload --help`. */
export const MAIN_HELP = `llmload — load generator and benchmark for OpenAI-compatible LLM servers

Usage:
  llmload run [options]        run a benchmark against a server (or the built-in simulator)
  llmload sim [options]        serve the built-in vLLM-like simulator
  llmload demo [--out DIR]     ~20 s tour: a closed-loop and an open-loop run against the simulator
  llmload version              print the version
  llmload <command> --help     options of one command

Examples:
  llmload run --target sim --concurrency 8 --requests 200
  llmload run --url http://127.0.0.1:8000/v1 --rate 5 --duration 60s --prompt-tokens 6000
  llmload sim --port 8000

Exit codes:
  0 ok   1 runtime failure   2 usage or config error   4 target unreachable or not ready
  130 interrupted (Ctrl-C; finished results are kept)
`;

/** `llmload run --help`. */
export const RUN_HELP = `llmload run — send load to an OpenAI-compatible server and measure it

Target:
  --url URL              API base (default: $OPENAI_BASE_URL, else http://127.0.0.1:8000/v1)
  --target sim           start the built-in simulator in-process on a free 127.0.0.1 port
  --model NAME           model or LoRA adapter (default: the first model from GET /v1/models)
  --api-key KEY          bearer token (default: $OPENAI_API_KEY); never written to any output
  --endpoint chat|completions            (default chat)

Load (pick one; default --concurrency 1):
  --concurrency N        closed loop: N virtual users, each sends its next request when its
                         last one ends; users start staggered over --ramp (default N×2ms, ≤1s)
  --rate R               open loop: R requests/s, sent on schedule whatever the responses do
    --arrival constant|poisson|gamma     (default poisson)
    --burstiness K       gamma shape: <1 burstier, >1 smoother (needs --arrival gamma)
    --max-in-flight N    cap; a send that finds the cap full is dropped and reported
    --queue              with --max-in-flight: wait for a free slot instead (counted as late)

Stop (either or both, first wins; default --duration 60s):
  --duration 60s         measured time (after warm-up)
  --requests N           measured requests (after warm-up)
  --warmup 10s           requests scheduled in the first 10s are warm-up
  --warmup-requests N    the first N requests are warm-up
                         (warm-up requests are kept in requests.jsonl, left out of statistics)

Requests:
  --prompt-tokens N      synthetic prompt length in tokens (default 256)
  --max-tokens N         max_tokens per request (default 128)
  --ignore-eos           ask the server to generate exactly --max-tokens (vLLM ignore_eos)
  --seed N               every random choice reproducible (default 42)
  --timeout 300s         whole-request limit; also --connect-timeout (until response headers)
                         and --ttft-timeout (until the first token)

Output:
  --out DIR              results root (default results/); the run writes DIR/<run-id>/:
                         requests.jsonl, summary.json, summary.csv, meta.json
  --quiet, -q            no progress line, only the final summary

Client:
  --transport fetch|socket
                         how requests go on the wire (default fetch). socket: hand-written
                         HTTP/1.1 over raw TCP/TLS sockets with keep-alive; less client CPU
                         per token event, for high concurrency on few cores

Examples:
  llmload run --target sim --concurrency 8 --requests 200 --prompt-tokens 1000
  llmload run --url http://127.0.0.1:8000/v1 --concurrency 100 --requests 400
  llmload run --url http://127.0.0.1:8000/v1 --rate 20 --arrival gamma --burstiness 0.5 \\
              --max-in-flight 64 --duration 5m --warmup 30s
`;

/** `llmload sim --help`. */
export const SIM_HELP = `llmload sim — the built-in vLLM-like simulator, as a standalone server

Options:
  --port N               port on 127.0.0.1 (default 8000; 0 picks a free one)
  --host ADDR            listen address (default 127.0.0.1)
  --model NAME           served model name
  --ttft 40ms            base time to first token
  --itl 10ms             time between tokens
  --seed N               generated text and lengths are reproducible

Example:
  llmload sim --port 8000 &
  llmload run --url http://127.0.0.1:8000/v1 --concurrency 4 --requests 50
`;

/** `llmload demo --help`. */
export const DEMO_HELP = `llmload demo — two short runs against the built-in simulator (~20 s)

  1. closed loop: 8 virtual users, 512-token prompts, 10 s
  2. open loop: Poisson 12 req/s, 2 s warm-up, at most 32 in flight, 8 s measured

Each prints its summary table and run directory. Any run flag given (e.g. --out DIR, --quiet)
applies to both runs.
`;
