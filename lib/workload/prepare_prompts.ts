/**
 * Chooses how a run gets its prompt lengths and prepares the prompts before the load starts:
 * exact, calibrated with the server's /tokenize (strategy 1) or with a local tokenizer.json
 * (strategy 2, `--tokenizer`: no server calls), or the word-count estimate when the server
 * cannot count (strategy 3), announced with one warning line. One search, several counters.
 */
import {
  calibratePromptBook,
  estimatePromptBook,
  type PromptBook,
  type PromptLengthMode,
} from "./exact_prompt.ts";
import { loadTextSource } from "./text_sources.ts";
import type { LocalTokenizer } from "./local_tokenizer.ts";
import { createTokenCounter, TokenizeUnavailable } from "./tokenize_client.ts";

export type { PromptBook, PromptLengthMode };

/** The request recipe as far as prompts are concerned. */
export interface PromptRecipe {
  endpoint: "chat" | "completions";
  seed: number;
  request: {
    promptTokens: number;
    sharedPrefixTokens?: number;
    textSource?: string;
  };
}

/**
 * Prepares the run's prompts. Logs one warning line when lengths are estimates (and one per
 * length that could not be made exact); logs how calibration went otherwise.
 * Throws an Error when the text source file cannot be read.
 */
export async function preparePrompts(
  recipe: PromptRecipe,
  opts: {
    /** API base including /v1; /tokenize is at its root. */
    baseUrl: string;
    model: string;
    apiKey?: string;
    log(line: string): void;
    /** Lengths to calibrate; default: the recipe's prompt tokens. */
    lengths?: readonly number[];
    /** Count with this local tokenizer instead of the server's /tokenize. */
    tokenizer?: LocalTokenizer;
  },
): Promise<PromptBook> {
  const source = await loadTextSource(recipe.request.textSource ?? "english");
  const promptOpts = {
    source,
    seed: recipe.seed,
    sharedPrefixTokens: recipe.request.sharedPrefixTokens ?? 0,
  };
  const lengths = opts.lengths ?? [recipe.request.promptTokens];
  const form = recipe.endpoint === "chat" ? "chat" : "prompt";
  const local = opts.tokenizer;
  if (local && form === "chat" && local.chatTemplate === null) {
    opts.log(
      `warning: ${local.file} comes with no chat template, so prompt lengths count the message text only; the server adds its template's tokens (the summary's prompt drift shows how many)`,
    );
  }
  const counter = local ??
    createTokenCounter(opts.baseUrl, { model: opts.model, apiKey: opts.apiKey });
  const started = performance.now();
  let book: PromptBook;
  try {
    book = await calibratePromptBook(lengths, counter, {
      ...promptOpts,
      form,
      exactMode: local ? "local_tokenizer" : "exact",
    });
  } catch (e) {
    if (!(e instanceof TokenizeUnavailable)) throw e;
    const why = tokenizeFailureCause(e, opts.model);
    opts.log(
      `warning: prompt lengths are estimates (one token per word; ${why}); the summary's prompt drift shows the real lengths`,
    );
    return estimatePromptBook(promptOpts);
  }
  for (const w of book.warnings) opts.log(`warning: ${w}`);
  if (local && form === "chat" && local.chatTemplate === null) {
    return { ...book, approximate: true, portable: { ...book.portable, approximate: true } };
  }
  if (book.mode !== "estimate") {
    const ms = Math.round(performance.now() - started);
    const by = local ? `the local tokenizer ${local.file}` : "/tokenize";
    opts.log(
      `prompt lengths exact: calibrated ${
        lengths.join(", ")
      } tokens with ${by} (${book.calls} calls, ${ms} ms)`,
    );
  }
  return book;
}

/**
 * Why /tokenize could not count, in the user's terms: vLLM answers 404 both for a server without
 * the route and for a model it does not serve, and only the body tells them apart.
 */
export function tokenizeFailureCause(e: TokenizeUnavailable, model: string): string {
  if (e.status !== 404) return e.message;
  if (/model/i.test(e.message) && /(does not exist|not found|unknown|no such)/i.test(e.message)) {
    return `the server does not serve model "${model}" (${e.message}); check --model`;
  }
  return "the server has no /tokenize";
}
