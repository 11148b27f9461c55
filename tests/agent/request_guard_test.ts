import assert from "node:assert/strict";
import { refuseRequest } from "../../lib/agent/request_guard.ts";
import { agentAt } from "../helpers/agent_client.ts";
import { request } from "node:http";

const LOOP = { hostname: "127.0.0.1", port: 8787 };
const req = (method: string, headers: Record<string, string>) => ({
  method,
  headers: new Headers(headers),
});

Deno.test("request guard: own Host and Origin pass; a rebound Host, a foreign Origin or a non-JSON body do not", () => {
  assert.equal(refuseRequest(req("GET", { host: "127.0.0.1:8787" }), LOOP), undefined);
  assert.equal(refuseRequest(req("GET", { host: "localhost:8787" }), LOOP), undefined);
  assert.equal(refuseRequest(req("GET", { host: "evil.example" }), LOOP)?.status, 403);
  assert.equal(refuseRequest(req("GET", { host: "127.0.0.1:9999" }), LOOP)?.status, 403);
  assert.equal(
    refuseRequest(req("POST", { host: "127.0.0.1:8787", origin: "http://evil.example" }), LOOP)
      ?.status,
    403,
  );
  assert.equal(
    refuseRequest(
      req("POST", {
        host: "127.0.0.1:8787",
        origin: "http://127.0.0.1:8787",
        "content-length": "2",
        "content-type": "application/json",
      }),
      LOOP,
    ),
    undefined,
  );
  assert.equal(
    refuseRequest(
      req("POST", { host: "127.0.0.1:8787", "content-length": "2", "content-type": "text/plain" }),
      LOOP,
    )?.status,
    415,
  );
  // Off loopback the token guards; any Host is fine, a foreign Origin still is not.
  const any = { hostname: "0.0.0.0", port: 8787 };
  assert.equal(refuseRequest(req("GET", { host: "gpu-box:8787" }), any), undefined);
  assert.equal(
    refuseRequest(req("GET", { host: "gpu-box:8787", origin: "http://evil.example" }), any)?.status,
    403,
  );
});

/** A raw HTTP request with exactly these headers (fetch would fix Host). */
function raw(port: number, method: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const r = request({ host: "127.0.0.1", port, method, path: "/tests", headers }, (res) => {
      let text = "";
      res.on("data", (c) => text += c);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    r.on("error", reject);
    if (body) r.write(body);
    r.end();
  });
}

Deno.test("agent on loopback without a token: foreign Host 403, cross-origin text/plain POST creates nothing", async () => {
  const dir = await Deno.makeTempDir();
  const { agent, call } = await agentAt(dir, { token: undefined });
  try {
    const host = `127.0.0.1:${agent.port}`;
    const rebound = await raw(agent.port, "GET", { host: "evil.example" });
    assert.equal(rebound.status, 403, rebound.text);
    const body = JSON.stringify({
      scenario: "smoke",
      args: ["--target", "sim", "--requests", "1"],
    });
    const page = await raw(agent.port, "POST", {
      host,
      origin: "http://evil.example",
      "content-type": "text/plain",
      "content-length": String(body.length),
    }, body);
    assert.equal(page.status, 403, page.text);
    const plain = await raw(agent.port, "POST", {
      host,
      "content-type": "text/plain",
      "content-length": String(body.length),
    }, body);
    assert.equal(plain.status, 415, plain.text);
    const listed = await call("GET", "/tests", undefined, "");
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.json().tests, [], "no test was registered");
  } finally {
    await agent.close();
    await Deno.remove(dir, { recursive: true });
  }
});
