/**
 * Loads a local HTML file in headless Chromium (Debian's `chromium` package) over the DevTools
 * protocol and reports what a person's browser would see go wrong: every request the page made
 * beyond its own file, console errors, uncaught exceptions. Used by the HTML report tests; the
 * caller skips when {@link findChromium} finds no browser.
 */

/** The Chromium binary: `$CHROMIUM`, else the first of the usual names that runs; null if none. */
export async function findChromium(): Promise<string | null> {
  const names = [Deno.env.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"];
  for (const name of names) {
    if (!name) continue;
    try {
      const out = await new Deno.Command(name, {
        args: ["--version"],
        stdout: "null",
        stderr: "null",
      })
        .output();
      if (out.success) return name;
    } catch {
      // not installed under this name
    }
  }
  return null;
}

/** Flags for a quiet, isolated headless browser (root needs --no-sandbox in containers). */
export function chromiumFlags(userDataDir: string): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--hide-scrollbars",
    `--user-data-dir=${userDataDir}`,
  ];
}

/** What loading the page did. */
export interface PageCheck {
  /** URLs of every request other than the page's own file. */
  requests: string[];
  /** console.error/assert messages and error-level log entries. */
  consoleErrors: string[];
  /** Uncaught exceptions. */
  exceptions: string[];
  /** `document.title` once loaded. */
  title: string;
  /** Number of `<svg>` elements in the loaded document. */
  svgCount: number;
}

interface CdpMessage {
  id?: number;
  method?: string;
  sessionId?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
}

/** Reads stderr until Chromium prints its DevTools WebSocket address. */
async function devtoolsUrl(stderr: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`chromium exited before DevTools started:\n${text.slice(-2000)}`);
    text += value;
    const m = text.match(/DevTools listening on (ws:\/\/\S+)/);
    if (m) {
      // Keep draining so Chromium never blocks on a full stderr pipe.
      (async () => {
        try {
          while (!(await reader.read()).done) { /* discard */ }
        } catch { /* closed */ }
      })();
      return m[1];
    }
  }
}

/**
 * Opens `path` (absolute) in a fresh headless Chromium, waits for the load event and a short
 * settle, and returns what happened. Bounded by `options.timeoutMs` (default 30 s).
 */
export async function checkPage(
  chromium: string,
  path: string,
  options: { timeoutMs?: number } = {},
): Promise<PageCheck> {
  const userDataDir = await Deno.makeTempDir({ prefix: "llmload-chromium-" });
  const child = new Deno.Command(chromium, {
    args: [...chromiumFlags(userDataDir), "--remote-debugging-port=0", "about:blank"],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const pageUrl = new URL(`file://${path}`).href;
  const result: PageCheck = {
    requests: [],
    consoleErrors: [],
    exceptions: [],
    title: "",
    svgCount: 0,
  };
  let ws: WebSocket | undefined;
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, options.timeoutMs ?? 30_000);
  try {
    ws = new WebSocket(await devtoolsUrl(child.stderr));
    const socket = ws;
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error("DevTools WebSocket failed"));
    });
    let nextId = 1;
    const pending = new Map<number, (m: CdpMessage) => void>();
    const waiters: { method: string; resolve: () => void }[] = [];
    socket.onmessage = (e) => {
      const m: CdpMessage = JSON.parse(e.data as string);
      if (m.id !== undefined) {
        pending.get(m.id)?.(m);
        pending.delete(m.id);
        return;
      }
      const p = m.params ?? {};
      if (m.method === "Network.requestWillBeSent") {
        const url = (p.request as { url: string }).url;
        if (url !== pageUrl) result.requests.push(url);
      } else if (m.method === "Runtime.consoleAPICalled") {
        if (p.type === "error" || p.type === "assert") {
          const args = p.args as { value?: unknown; description?: string }[];
          result.consoleErrors.push(args.map((a) => String(a.value ?? a.description)).join(" "));
        }
      } else if (m.method === "Runtime.exceptionThrown") {
        const d = p.exceptionDetails as { text: string; exception?: { description?: string } };
        result.exceptions.push(d.exception?.description ?? d.text);
      } else if (m.method === "Log.entryAdded") {
        const entry = p.entry as { level: string; text: string; url?: string };
        if (entry.level === "error") result.consoleErrors.push(`${entry.text} ${entry.url ?? ""}`);
      }
      for (const w of waiters.filter((w) => w.method === m.method)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    };
    const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const id = nextId++;
        pending.set(
          id,
          (m) =>
            m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result ?? {}),
        );
        socket.send(JSON.stringify({ id, method, params, sessionId }));
      });
    const { targetId } = await send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true }) as {
      sessionId: string;
    };
    for (const domain of ["Network", "Runtime", "Log", "Page"]) {
      await send(`${domain}.enable`, {}, sessionId);
    }
    const loaded = new Promise<void>((resolve) =>
      waiters.push({ method: "Page.loadEventFired", resolve })
    );
    await send("Page.navigate", { url: pageUrl }, sessionId);
    await loaded;
    // Late work (timers, lazy images) would show within a moment of the load event.
    await new Promise((r) => setTimeout(r, 300));
    const evaluate = async (expression: string) =>
      ((await send("Runtime.evaluate", { expression, returnByValue: true }, sessionId)).result as {
        value: unknown;
      }).value;
    result.title = String(await evaluate("document.title"));
    result.svgCount = Number(await evaluate("document.querySelectorAll('svg').length"));
    await send("Browser.close").catch(() => {});
    return result;
  } finally {
    clearTimeout(timer);
    ws?.close();
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await child.status;
    await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
  }
}
