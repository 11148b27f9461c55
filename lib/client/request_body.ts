/** OpenAI-compatible request bodies for one {@link RequestSpec}. */
import type { RequestSpec, SamplingParams } from "./types.ts";

/** Path under the API base (which already ends in `/v1`). */
export type ApiPath = "/chat/completions" | "/completions";

/** What to POST where. */
export interface BuiltRequest {
  path: ApiPath;
  /** JSON body, ready for `JSON.stringify`. */
  body: Record<string, unknown>;
}

/**
 * Builds the streaming request for a spec. Always asks for a stream with a final `usage` chunk
 * (`stream_options.include_usage`) so output tokens come from the server, not our count.
 * `ignore_eos` (a vLLM extension) is sent only when asked for, since strict OpenAI servers reject
 * unknown fields; likewise each sampling parameter goes out only when set. `extraBody` is merged
 * last and shallowly: its keys replace ours, whole.
 * Chat messages (a dataset conversation) are sent as given. A completions spec with messages
 * throws a RangeError: roles cannot be expressed in a plain prompt, and the run refuses such a
 * dataset before it starts (`--endpoint chat` is the fix), so reaching here is a bug.
 */
export function buildRequest(spec: RequestSpec): BuiltRequest {
  const body: Record<string, unknown> = { model: spec.model };
  let path: ApiPath;
  if (spec.endpoint === "chat") {
    path = "/chat/completions";
    body.messages = typeof spec.prompt === "string"
      ? [{ role: "user", content: spec.prompt }]
      : spec.prompt.map((m) => ({ role: m.role, content: m.content }));
  } else {
    if (typeof spec.prompt !== "string") {
      throw new RangeError("a completions request needs a text prompt, not chat messages");
    }
    path = "/completions";
    body.prompt = spec.prompt;
  }
  body.max_tokens = spec.maxTokens;
  body.stream = true;
  body.stream_options = { include_usage: true };
  if (spec.ignoreEos) body.ignore_eos = true;
  if (spec.sampling) Object.assign(body, samplingFields(spec.sampling));
  if (spec.extraBody) Object.assign(body, spec.extraBody);
  return { path, body };
}

/**
 * The body fields of the sampling parameters that are set, under their API names (`top_p`, ...).
 * Also what meta.json records, so it shows exactly what was sent.
 */
export function samplingFields(sampling: SamplingParams): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, field] of SAMPLING_FIELDS) {
    const v = sampling[key];
    if (v !== undefined) fields[field] = Array.isArray(v) ? [...v] : v;
  }
  return fields;
}

/** Each sampling parameter and its body field, in the order they are written. */
const SAMPLING_FIELDS: readonly (readonly [keyof SamplingParams, string])[] = [
  ["temperature", "temperature"],
  ["topP", "top_p"],
  ["topK", "top_k"],
  ["minP", "min_p"],
  ["presencePenalty", "presence_penalty"],
  ["frequencyPenalty", "frequency_penalty"],
  ["repetitionPenalty", "repetition_penalty"],
  ["stop", "stop"],
  ["seed", "seed"],
];
