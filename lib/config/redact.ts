/**
 * Secret redaction for everything llmload prints or writes: URLs (userinfo), command lines
 * (`--api-key X`, `--token=X`, `HF_TOKEN=X`, `Authorization: Bearer X`, `sk-…` keys) and lines
 * of a server's output that may echo the secrets we started it with. Pure: it changes only what
 * is shown, never what is sent to a server or used to start one (callers keep the raw values).
 */

import { isSecretTagKey } from "./telemetry_plan.ts";

/** What a secret value is replaced by. */
export const REDACTED = "***";

/**
 * A flag whose value is a secret: `--api-key`, `--token`, `--password`, `--secret`, and any flag
 * ending in one of those (`--hf-token`, `--db-password`). `--max-tokens` does not match: the
 * name must end in the word.
 */
const SECRET_FLAG = /^--?[\w-]*?(?:api[-_]?key|token|password|passwd|secret)$/i;

/** A quoted or bare value (a value in a command string may be quoted). */
const VALUE = String.raw`("[^"]*"|'[^']*'|[^\s"']+)`;

/**
 * Text patterns, each with the group holding the secret. Order matters: the userinfo of a URL
 * first, so a `--url=http://u:p@h` keeps its host.
 */
const PATTERNS: {
  re: RegExp;
  replace: (m: string[]) => string;
  secret: (m: string[]) => string;
}[] = [
  // scheme://user:pass@host → scheme://***@host (userinfo has no '/', '?', '#' or spaces).
  {
    re: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>]+)@/gi,
    replace: (m) => `${m[1]}${REDACTED}@`,
    secret: (m) => m[2],
  },
  // `--api-key X`, `--api-key=X` inside a command string.
  {
    re: new RegExp(
      String.raw`(^|[\s"'])(--?[\w-]*?(?:api[-_]?key|token|password|passwd|secret))(=|\s+)` +
        VALUE,
      "gi",
    ),
    replace: (m) => `${m[1]}${m[2]}${m[3]}${REDACTED}`,
    secret: (m) => unquote(m[4]),
  },
  // `Authorization: Bearer X`, `"authorization": "X"`, `Authorization=Basic X`.
  {
    re: /(authorization["']?\s*[:=]\s*["']?)((?:bearer|basic|token)\s+)?([^\s"',;}]+)/gi,
    replace: (m) => `${m[1]}${m[2] ?? ""}${REDACTED}`,
    secret: (m) => m[3],
  },
  // Env-style assignments: OPENAI_API_KEY=…, HF_TOKEN=…, AWS_SECRET=…, PASSWORD=… (a bare
  // `token=` is left: it reads as prose as often as a secret).
  {
    re: new RegExp(
      String.raw`(^|[^\w-])(\w+_(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD)|PASSWORD|PASSWD)=` + VALUE,
      "gi",
    ),
    replace: (m) => `${m[1]}${m[2]}=${REDACTED}`,
    secret: (m) => unquote(m[3]),
  },
  // OpenAI-style keys anywhere: sk-…, sk-proj-….
  {
    re: /\bsk-[A-Za-z0-9_-]{8,}/g,
    replace: () => `sk-${REDACTED}`,
    secret: (m) => m[0],
  },
];

function unquote(v: string): string {
  return /^(["']).*\1$/.test(v) ? v.slice(1, -1) : v;
}

/**
 * `text` with every secret-looking value replaced by `***`; each value hidden is pushed to
 * `found` (so a server's output can be scrubbed of the same values later).
 */
export function redactText(text: string, found?: string[]): string {
  let t = text;
  for (const p of PATTERNS) {
    t = t.replace(p.re, (...args: unknown[]) => {
      const m = args.slice(0, -2).map((x) => (x === undefined ? undefined : String(x)));
      const secret = p.secret(m as string[]);
      // Already hidden (a line redacted twice): nothing new to remember.
      if (found && secret !== REDACTED && !secret.includes(REDACTED)) found.push(secret);
      return p.replace(m as string[]);
    });
  }
  return t;
}

/** A URL with its userinfo hidden (`http://user:pass@host/v1` → `http://***@host/v1`). */
export function redactUrl(url: string): string {
  return redactText(url);
}

/**
 * An argv (or a recorded command line) with secret values hidden: the word after a secret flag
 * (`--api-key X` → `--api-key ***`), a secret-looking `--tag` (`--tag hf_token=***`), and in
 * every word the patterns of {@link redactText} (a `--server-cmd "… --api-key X"` is one word).
 */
export function redactArgv(argv: readonly string[], found?: string[]): string[] {
  const tag = (kv: string) => {
    const eq = kv.indexOf("=");
    if (eq > 0 && isSecretTagKey(kv.slice(0, eq))) {
      found?.push(kv.slice(eq + 1));
      return `${kv.slice(0, eq)}=${REDACTED}`;
    }
    return redactText(kv, found);
  };
  return argv.map((a, i) => {
    const prev = i > 0 ? argv[i - 1] : undefined;
    if (prev !== undefined && SECRET_FLAG.test(prev) && a !== REDACTED) {
      found?.push(a);
      return REDACTED;
    }
    if (a.startsWith("--tag=")) return `--tag=${tag(a.slice(6))}`;
    if (prev === "--tag") return tag(a);
    return redactText(a, found);
  });
}

/** The secret values in an argv (what {@link redactArgv} hides), to scrub from other text. */
export function secretsInArgv(argv: readonly string[]): string[] {
  const found: string[] = [];
  redactArgv(argv, found);
  return found;
}

/**
 * Shortest known secret scrubbed verbatim: a value of one to three characters (`--token 1`)
 * would turn every `1` of a log into `***`, hiding more than it protects.
 */
const MIN_KNOWN_SECRET = 4;

/**
 * A line of someone else's output (a server's log) with the secrets we know (those we gave it)
 * and the secret-looking patterns hidden.
 */
export function redactKnown(text: string, secrets: readonly string[]): string {
  let t = text;
  // Longest first, so a secret containing another is hidden whole.
  const known = [...new Set(secrets)].filter((s) => s.length >= MIN_KNOWN_SECRET)
    .sort((a, b) => b.length - a.length);
  for (const s of known) t = t.split(s).join(REDACTED);
  return redactText(t);
}

/**
 * A JSON-like value with {@link redactText} applied to every string in it, at any depth (a
 * record assembled from many sources, such as a server's own description with its URLs).
 */
export function redactDeep<T>(value: T): T {
  if (typeof value === "string") return redactText(value) as T;
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, redactDeep(v)]),
    ) as T;
  }
  return value;
}
