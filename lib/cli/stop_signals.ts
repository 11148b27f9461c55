/** The signals that ask llmload to stop: SIGTERM cannot be listened to on Windows. */
export type StopSignal = "SIGINT" | "SIGTERM";

/**
 * Calls `handler` with the signal's name on SIGINT/SIGTERM (SIGINT only on Windows); returns a
 * function that removes the listeners. The one place CLI commands subscribe to signals.
 */
export function onStopSignals(handler: (signal: StopSignal) => void): () => void {
  const names: StopSignal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const handlers = names.map((name) => [name, () => handler(name)] as const);
  for (const [name, h] of handlers) Deno.addSignalListener(name, h);
  return () => {
    for (const [name, h] of handlers) Deno.removeSignalListener(name, h);
  };
}
