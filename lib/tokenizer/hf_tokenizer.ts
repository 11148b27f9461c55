/**
 * A Hugging Face tokenizer built from its parsed files, counting the way vLLM does, so a prompt
 * measured on the client (lib/workload) and by the simulator (lib/sim) agrees with the
 * `usage.prompt_tokens` a vLLM server would report:
 * - plain text (completions prompt): encoded with the special tokens the tokenizer adds (the BOS
 *   its post-processor writes) unless asked not to;
 * - chat: the chat template rendered (`add_generation_prompt` true by default, the config's
 *   `*_token` strings in scope) and encoded without adding special tokens, since the template
 *   writes its own BOS. Without a template, the message contents joined by newlines.
 * Pure: parsed JSON in, no file or network access, so the files can cross to a Worker.
 */
import { Tokenizer } from "@huggingface/tokenizers";
import { Template } from "@huggingface/jinja";

/** The parsed files of a Hugging Face tokenizer; structured-cloneable. */
export interface TokenizerFiles {
  /** tokenizer.json. */
  tokenizerJson: Record<string, unknown>;
  /** tokenizer_config.json, or `{}` when there is none. */
  config: Record<string, unknown>;
  /** The chat template text (chat_template.jinja, or the config's), when there is one. */
  chatTemplate?: string;
}

/** A chat message with its content already flattened to text. */
export interface TextMessage {
  role: string;
  content: string;
}

/** Encoding with a loaded tokenizer; token ids are the tokenizer's own. */
export interface HfTokenizer {
  readonly hasChatTemplate: boolean;
  /** Ids of `text`; `addSpecialTokens` as vLLM's completions (true) or a raw piece (false). */
  encode(text: string, opts: { addSpecialTokens: boolean }): number[];
  /** Ids of a chat request's prompt, template included when there is one. */
  encodeChat(messages: readonly TextMessage[], opts?: { addGenerationPrompt?: boolean }): number[];
  /** Text of `ids` (special tokens kept). */
  decode(ids: number[]): string;
  /** The token string of one id, or undefined outside the vocabulary. */
  idToToken(id: number): string | undefined;
}

/** Which file the library refused: the tokenizer itself or the chat template. */
export class TokenizerFilesError extends Error {
  readonly part: "tokenizer" | "template";
  constructor(part: "tokenizer" | "template", message: string) {
    super(message);
    this.name = "TokenizerFilesError";
    this.part = part;
  }
}

/**
 * Builds the tokenizer and compiles its chat template, trying both once so a broken file fails
 * here (TokenizerFilesError) rather than in the middle of a run.
 */
export function createHfTokenizer(files: TokenizerFiles): HfTokenizer {
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(files.tokenizerJson, files.config);
    tokenizer.encode("hello world");
  } catch (e) {
    throw new TokenizerFilesError("tokenizer", (e as Error).message);
  }
  const context: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(files.config)) {
    // bos_token, eos_token, ...: strings, or {content} objects in older configs.
    if (!key.endsWith("_token")) continue;
    if (typeof v === "string") context[key] = v;
    else if (
      v && typeof v === "object" && typeof (v as { content?: unknown }).content === "string"
    ) {
      context[key] = (v as { content: string }).content;
    }
  }
  let template: Template | undefined;
  if (files.chatTemplate !== undefined) {
    try {
      template = new Template(files.chatTemplate);
      template.render({
        ...context,
        add_generation_prompt: true,
        messages: [{ role: "user", content: "hello" }],
      });
    } catch (e) {
      throw new TokenizerFilesError("template", (e as Error).message);
    }
  }
  const encode = (text: string, opts: { addSpecialTokens: boolean }) =>
    tokenizer.encode(text, { add_special_tokens: opts.addSpecialTokens }).ids;
  return {
    hasChatTemplate: template !== undefined,
    encode,
    encodeChat(messages, opts = {}) {
      const text = template
        ? template.render({
          ...context,
          add_generation_prompt: opts.addGenerationPrompt ?? true,
          messages: messages.map((m) => ({ role: m.role, content: m.content })),
        })
        : messages.map((m) => m.content).join("\n");
      return encode(text, { addSpecialTokens: false });
    },
    decode: (ids) => tokenizer.decode(ids, { skip_special_tokens: false }),
    idToToken: (id) => tokenizer.id_to_token(id),
  };
}
