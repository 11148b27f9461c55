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
import {
  type CountForm,
  createTokenCounter,
  type TokenCounter,
  TokenizeUnavailable,
} from "./tokenize_client.ts";
import { type BlockSample, calibrateBlocks, estimateBlocks } from "./calibrate_blocks.ts";

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

/** What {@link preparePrompts} needs besides the recipe. */
export interface PrepareOptions {
  /** API base including /v1; /tokenize is at its root. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  log(line: string): void;
  /** Lengths to calibrate; default: the recipe's prompt tokens. */
  lengths?: readonly number[];
  /** Count with this local tokenizer instead of the server's /tokenize. */
  tokenizer?: LocalTokenizer;
  /** A trace with `hash_ids`: its block size and a few of its requests to check. */
  blocks?: { blockSize: number; samples: readonly BlockSample[] };
}

/**
 * Prepares the run's prompts. Logs one warning line when lengths are estimates (and one per
 * length that could not be made exact); logs how calibration went otherwise.
 * Throws an Error when the text source file cannot be read.
 */
export async function preparePrompts(
  recipe: PromptRecipe,
  opts: PrepareOptions,
): Promise<PromptBook> {
  const { book, counter } = await prepareBook(recipe, opts);
  if (!opts.blocks) return book;
  const form = recipe.endpoint === "chat" ? "chat" : "prompt";
  return await withBlocks(book, counter, { ...opts.blocks, form, log: opts.log });
}

/** The book, and the counter it was measured with (none when lengths are estimates). */
async function prepareBook(
  recipe: PromptRecipe,
  opts: PrepareOptions,
): Promise<{ book: PromptBook; counter?: TokenCounter }> {
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
    return { book: estimatePromptBook(promptOpts) };
  }
  for (const w of book.warnings) opts.log(`warning: ${w}`);
  if (local && form === "chat" && local.chatTemplate === null) {
    const portable = { ...book.portable, approximate: true };
    return { book: { ...book, approximate: true, portable }, counter };
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
  return { book, counter };
}

/**
 * `book` with a trace's prefix blocks (calibrated with `counter`, estimated without one); a
 * block length that does not check out makes the book approximate.
 */
async function withBlocks(
  book: PromptBook,
  counter: TokenCounter | undefined,
  opts: {
    blockSize: number;
    samples: readonly BlockSample[];
    form: CountForm;
    log(line: string): void;
  },
): Promise<PromptBook> {
  const seed = book.portable.options.seed;
  const calibrated = counter
    ? await calibrateBlocks(book.portable, counter, opts)
    : { blocks: estimateBlocks(opts.blockSize, seed), exact: false, warnings: [] };
  for (const w of calibrated.warnings) opts.log(`warning: ${w}`);
  if (calibrated.exact) {
    opts.log(
      `trace prefix blocks: ${opts.blockSize} tokens each, exact (checked on ${
        Math.min(opts.samples.length, 3)
      } requests)`,
    );
  }
  const approximate = book.approximate || !calibrated.exact;
  const portable = { ...book.portable, approximate, blocks: calibrated.blocks };
  return { ...book, approximate, portable };
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
