/** The agent's HTTP responses: JSON bodies and files from a test's results. */

/** A JSON response (pretty, newline-terminated: it is read with curl). */
export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body, null, 2) + "\n", {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** A file's bytes, or a 404 naming what is missing. */
export async function fileResponse(path: string, type: string): Promise<Response> {
  try {
    return new Response(await Deno.readFile(path), { headers: { "content-type": type } });
  } catch {
    return json(404, { error: "no such file in this test's results" });
  }
}
