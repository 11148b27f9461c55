import { redactText } from "../config/redact.ts";
import type { ModelsAnswer } from "../telemetry/server_record.ts";

/** The target could not be reached or is not ready; the CLI exits with code 4. */
export class TargetError extends Error {
  constructor(message: string) {
    // Its message names the URL and is printed and recorded (variants.json): no userinfo.
    super(redactText(message));
    this.name = "TargetError";
  }
}

/** What we learned about the target before sending load. */
export interface ResolvedTarget {
  baseUrl: string;
  model: string;
  /** Every model id the server listed (empty when it has no /models). */
  models: string[];
  /** The `/models` answer as read, so the server record (meta.json `server`) need not ask again. */
  modelsAnswer: ModelsAnswer;
}

/**
 * Checks the target answers and picks the model: the one asked for, else the first from
 * GET /models. A server without /models is fine when --model is given.
 */
export async function resolveTarget(
  baseUrl: string,
  opts: { model?: string; apiKey?: string; timeoutMs?: number },
): Promise<ResolvedTarget> {
  const url = `${baseUrl.replace(/\/+$/, "")}/models`;
  const headers: Record<string, string> = {};
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
  } catch (e) {
    const why = (e as Error).name === "TimeoutError" ? "no answer in time" : (e as Error).message;
    throw new TargetError(`Target unreachable: GET ${url} failed (${why}). Is the server up?`);
  }
  const text = await res.text();
  let models: string[] = [];
  const modelsAnswer: ModelsAnswer = { status: res.status, body: undefined, headers: res.headers };
  if (res.ok) {
    try {
      const body = JSON.parse(text) as { data?: { id?: unknown }[] };
      modelsAnswer.body = body;
      models = (body.data ?? []).map((m) => m.id).filter((id): id is string =>
        typeof id === "string"
      );
    } catch {
      // Some servers answer /models with something else; only fatal when we need the list.
    }
  }
  if (opts.model) return { baseUrl, model: opts.model, models, modelsAnswer };
  if (!res.ok) {
    throw new TargetError(
      `GET ${url} answered ${res.status}: ${text.slice(0, 200)}. Pass --model to skip the lookup.`,
    );
  }
  if (models.length === 0) {
    throw new TargetError(`GET ${url} listed no models. Pass --model NAME.`);
  }
  return { baseUrl, model: models[0], models, modelsAnswer };
}
