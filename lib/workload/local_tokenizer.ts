/**
 * Counts tokens with a Hugging Face tokenizer.json read from disk (strategy 2 of issue 4), so
 * exact prompt lengths work against servers without `/tokenize` (TGI, LiteLLM, llama.cpp) and
 * without a network. Counts follow vLLM's rules (lib/tokenizer/hf_tokenizer.ts) so they equal
 * `usage.prompt_tokens`:
 * - completions (`prompt`): the prompt encoded with special tokens (the BOS);
 * - chat: the chat template rendered with `add_generation_prompt: true`, encoded without adding
 *   special tokens (the template writes its own BOS);
 * - raw: the text alone, no special tokens (for pieces of a prompt such as a shared prefix).
 * Without a chat template, chat counts the message text only (the caller warns once).
 */
import { dirname, join, resolve } from "node:path";
import { UsageError } from "../config/usage_error.ts";
import {
  createHfTokenizer,
  type HfTokenizer,
  type TokenizerFiles,
  TokenizerFilesError,
} from "../tokenizer/hf_tokenizer.ts";
import type { CountForm, TokenCounter } from "./tokenize_client.ts";

/** A tokenizer loaded from disk, usable as a {@link TokenCounter}. */
export interface LocalTokenizer extends TokenCounter {
  /** Absolute path of the tokenizer.json that was read. */
  readonly file: string;
  /** Where the chat template came from (a file name), or null when there is none. */
  readonly chatTemplate: string | null;
  /** The same count as `count`, synchronously. */
  countSync(text: string, form: CountForm | "raw"): number;
  /** The parsed files, to hand to the simulator (structured-cloneable). */
  readonly files: TokenizerFiles;
}

const EXPECTED =
  "give a model directory holding tokenizer.json (Hugging Face format; tokenizer_config.json " +
  "optional) or the tokenizer.json file itself";

/**
 * Loads the tokenizer at `path`: a model directory (tokenizer.json, optionally
 * tokenizer_config.json and chat_template.jinja) or a tokenizer.json file (its sibling config
 * and template files are used when present). Local reads only. Every problem found (missing
 * file, bad JSON, a tokenizer or template the library refuses) is listed in one UsageError
 * naming the path, so a run stops before anything is sent.
 */
export async function loadLocalTokenizer(
  path: string,
  opts: { flag?: string } = {},
): Promise<LocalTokenizer> {
  const flag = opts.flag ?? "--tokenizer";
  const where = `${flag} "${path}"`;
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(path);
  } catch {
    throw new UsageError(`${where}: no such file or directory; ${EXPECTED}`);
  }
  const dir = stat.isDirectory ? path : dirname(path);
  const file = resolve(stat.isDirectory ? join(path, "tokenizer.json") : path);
  const problems: string[] = [];

  const tokenizerJson = await readJson(file, { flag, problems });
  if (tokenizerJson === undefined && problems.length === 0) {
    throw new UsageError(`${where}: the directory holds no tokenizer.json; ${EXPECTED}`);
  }
  if (tokenizerJson !== undefined && !isObject(tokenizerJson.model)) {
    problems.push(
      `${flag} "${file}" is not a Hugging Face tokenizer.json (no "model" object); ${EXPECTED}`,
    );
  }
  const configFile = join(dir, "tokenizer_config.json");
  const config = await readJson(configFile, { flag, problems }) ?? {};

  // transformers saves newer templates beside the config as chat_template.jinja; it wins.
  let templateText: string | undefined;
  let templateFrom: string | null = null;
  const jinjaFile = join(dir, "chat_template.jinja");
  try {
    templateText = await Deno.readTextFile(jinjaFile);
    templateFrom = "chat_template.jinja";
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) {
      problems.push(`${flag} "${jinjaFile}" cannot be read: ${(e as Error).message}`);
    }
  }
  if (templateText === undefined) {
    templateText = defaultTemplate(config.chat_template);
    if (templateText !== undefined) templateFrom = "tokenizer_config.json";
  }
  if (problems.length > 0) throw new UsageError(problems);

  const files: TokenizerFiles = {
    tokenizerJson: tokenizerJson!,
    config,
    chatTemplate: templateText,
  };
  let tokenizer: HfTokenizer;
  try {
    tokenizer = createHfTokenizer(files);
  } catch (e) {
    if (!(e instanceof TokenizerFilesError)) throw e;
    throw new UsageError(
      e.part === "tokenizer"
        ? `${flag} "${file}" cannot be loaded as a tokenizer: ${e.message}; ${EXPECTED}`
        : `${flag} "${path}": the chat template (${templateFrom}) cannot be rendered: ${e.message}`,
    );
  }

  const countSync = (text: string, form: CountForm | "raw"): number => {
    if (form === "chat") return tokenizer.encodeChat([{ role: "user", content: text }]).length;
    return tokenizer.encode(text, { addSpecialTokens: form === "prompt" }).length;
  };
  let calls = 0;
  return {
    file,
    chatTemplate: tokenizer.hasChatTemplate ? templateFrom : null,
    files,
    get calls() {
      return calls;
    },
    countSync,
    count(text, form) {
      calls++;
      return Promise.resolve(countSync(text, form));
    },
  };
}

/** The template a chat request uses: a string, or the one named "default" in a list. */
function defaultTemplate(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) {
    const named = value.find((t) => isObject(t) && t.name === "default");
    if (named && typeof named.template === "string") return named.template;
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads a JSON object; absent (undefined) when missing, a problem when unreadable or not JSON. */
async function readJson(
  file: string,
  opts: { flag: string; problems: string[] },
): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    opts.problems.push(`${opts.flag} "${file}" cannot be read: ${(e as Error).message}`);
    return undefined;
  }
  try {
    const parsed = JSON.parse(text);
    if (isObject(parsed)) return parsed;
    opts.problems.push(`${opts.flag} "${file}" must hold a JSON object`);
  } catch (e) {
    opts.problems.push(`${opts.flag} "${file}" is not valid JSON: ${(e as Error).message}`);
  }
  return undefined;
}
