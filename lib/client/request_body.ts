/** OpenAI-compatible request bodies for one {@link RequestSpec}. */
import type { RequestSpec } from "./types.ts";

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
 * unknown fields. `extraBody` is merged last and shallowly: its keys replace ours, whole.
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
  if (spec.extraBody) Object.assign(body, spec.extraBody);
  return { path, body };
}
