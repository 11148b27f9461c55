/**
 * Counts tokens with the server's own tokenizer through vLLM's `POST /tokenize` (served at the
 * server root, not under `/v1`). The count for chat is taken on the messages form, so it includes
 * the chat template exactly as `usage.prompt_tokens` of a chat completion does.
 */

/** Which form the text is counted in: a completions prompt, or one chat user message. */
export type CountForm = "prompt" | "chat";

/** Counts tokens of a text; `calls` is how many requests were made so far. */
export interface TokenCounter {
  /**
   * Tokens of `text`. `chat`: the message list `[{role: "user", content: text}]`, template
   * included. `prompt`: the text as a completions prompt. `raw`: the text alone, without special
   * tokens (for measuring a piece of a prompt such as a shared prefix).
   */
  count(text: string, form: CountForm | "raw"): Promise<number>;
  readonly calls: number;
}

/** The server cannot count for us: /tokenize is missing (404) or failed. */
export class TokenizeUnavailable extends Error {
  /** HTTP status, when one came back. */
  readonly status?: number;
  constructor(message: string, status?: number) {
    super(message);
    this.name = "TokenizeUnavailable";
    this.status = status;
  }
}

/** The server root of an API base: `http://h:8000/v1` → `http://h:8000`. */
export function serverRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "").replace(/\/v1$/, "");
}

/**
 * A counter that POSTs to `<server root>/tokenize`. Every failure (network, non-200, a body
 * without a numeric `count` or `tokens`) throws TokenizeUnavailable, so the caller can fall back
 * to estimated lengths.
 */
export function createTokenCounter(
  baseUrl: string,
  opts: { model: string; apiKey?: string; timeoutMs?: number },
): TokenCounter {
  const url = serverRoot(baseUrl) + "/tokenize";
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    async count(text, form) {
      calls++;
      const body = form === "chat"
        ? { model: opts.model, messages: [{ role: "user", content: text }] }
        : { model: opts.model, prompt: text, add_special_tokens: form === "prompt" };
      let res: Response;
      try {
        res = await fetch(url, {
          method: "POST",
          headers,
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
        });
      } catch (e) {
        throw new TokenizeUnavailable(`POST ${url} failed: ${(e as Error).message}`);
      }
      const raw = await res.text();
      if (!res.ok) {
        throw new TokenizeUnavailable(
          `POST ${url} answered HTTP ${res.status}: ${raw.slice(0, 200)}`,
          res.status,
        );
      }
      let parsed: { count?: unknown; tokens?: unknown };
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw new TokenizeUnavailable(`POST ${url} answered with a body that is not JSON`);
      }
      if (typeof parsed.count === "number") return parsed.count;
      if (Array.isArray(parsed.tokens)) return parsed.tokens.length;
      throw new TokenizeUnavailable(`POST ${url} answered without a token count`);
    },
  };
}
