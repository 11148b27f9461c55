import assert from "node:assert/strict";
import { encodeText, startSim } from "../../lib/sim/mod.ts";
import {
  calibratePromptBook,
  estimatePromptBook,
  promptBookFrom,
} from "../../lib/workload/exact_prompt.ts";
import { preparePrompts } from "../../lib/workload/prepare_prompts.ts";
import { loadTextSource } from "../../lib/workload/text_sources.ts";
import {
  createTokenCounter,
  serverRoot,
  type TokenCounter,
} from "../../lib/workload/tokenize_client.ts";

const english = await loadTextSource("english");
const korean = await loadTextSource("korean");

async function simModel(baseUrl: string): Promise<string> {
  const body = await (await fetch(`${baseUrl}/models`)).json();
  return body.data[0].id;
}

Deno.test("calibration with the simulator's /tokenize hits exactly 1k, 3k, 6k and 10k tokens for chat and completions", async () => {
  const sim = await startSim({ seed: 1 });
  try {
    const model = await simModel(sim.baseUrl);
    for (const form of ["chat", "prompt"] as const) {
      const counter = createTokenCounter(sim.baseUrl, { model });
      const lengths = [1000, 3000, 6000, 10000];
      const book = await calibratePromptBook(lengths, counter, { source: english, seed: 7, form });
      assert.equal(book.mode, "exact");
      assert.deepEqual(book.warnings, []);
      assert.ok(book.calls <= 30 * lengths.length, `${book.calls} calls`);
      const check = createTokenCounter(sim.baseUrl, { model });
      for (const n of lengths) {
        for (const i of [0, 4, 1234]) {
          assert.equal(await check.count(book.promptFor(i, n), form), n, `${form} ${n} #${i}`);
        }
      }
    }
  } finally {
    await sim.close();
  }
});

Deno.test("per-request prompts differ from the first token; a shared prefix is token-for-token identical", async () => {
  const sim = await startSim({ seed: 1 });
  try {
    const model = await simModel(sim.baseUrl);
    const counter = createTokenCounter(sim.baseUrl, { model });
    const plain = await calibratePromptBook([500], counter, {
      source: english,
      seed: 3,
      form: "prompt",
    });
    const firsts = new Set(
      Array.from({ length: 40 }, (_, i) => encodeText(plain.promptFor(i, 500))[0]),
    );
    assert.equal(firsts.size, 40, "no two of 40 requests share even their first token");

    const shared = await calibratePromptBook([500], counter, {
      source: english,
      seed: 3,
      form: "chat",
      sharedPrefixTokens: 200,
    });
    assert.equal(shared.mode, "exact");
    const ids = Array.from({ length: 10 }, (_, i) => encodeText(shared.promptFor(i, 500)));
    for (const t of ids) {
      assert.deepEqual(t.slice(0, 200), ids[0].slice(0, 200), "first 200 tokens shared");
    }
    assert.equal(new Set(ids.map((t) => t[200])).size, 10, "token 201 differs per request");
    assert.equal(new Set(ids.map((t) => t.join())).size, 10);
  } finally {
    await sim.close();
  }
});

Deno.test("the Korean corpus is calibrated exactly too", async () => {
  const sim = await startSim({ seed: 1 });
  try {
    const model = await simModel(sim.baseUrl);
    const counter = createTokenCounter(sim.baseUrl, { model });
    const book = await calibratePromptBook([3000], counter, {
      source: korean,
      seed: 1,
      form: "chat",
    });
    assert.equal(book.mode, "exact");
    const p = book.promptFor(9, 3000);
    assert.ok(/[\uac00-\ud7a3]/.test(p), "Hangul text");
    assert.equal(await counter.count(p, "chat"), 3000);
  } finally {
    await sim.close();
  }
});

/**
 * A BPE-like rule with uneven costs: a word costs ceil(UTF-8 bytes / 6) tokens, chat adds a
 * 7-token template, prompts a BOS. Exercises the search and filler paths the simulator's
 * one-token-per-word rule never reaches.
 */
function unevenCounter(): TokenCounter {
  let calls = 0;
  const bytes = new TextEncoder();
  return {
    get calls() {
      return calls;
    },
    count(text, form) {
      calls++;
      let n = 0;
      for (const w of text.split(/\s+/)) if (w) n += Math.ceil(bytes.encode(w).length / 6);
      return Promise.resolve(n + (form === "chat" ? 7 : form === "prompt" ? 1 : 0));
    },
  };
}

Deno.test("calibration converges within 30 calls per length when words cost several tokens", async () => {
  for (const source of [english, korean]) {
    for (const n of [1000, 3000, 6000, 10000]) {
      const counter = unevenCounter();
      const book = await calibratePromptBook([n], counter, {
        source,
        seed: 11,
        form: "chat",
        sharedPrefixTokens: 64,
      });
      assert.equal(book.mode, "exact", `${source.name} ${n}: ${book.warnings.join("; ")}`);
      assert.ok(book.calls <= 40, `${source.name} ${n}: ${book.calls} calls (alphabet+prefix+fit)`);
      for (const i of [0, 17, 5000]) {
        assert.equal(await counter.count(book.promptFor(i, n), "chat"), n);
      }
    }
  }
});

Deno.test("a length shorter than template plus tag falls back to the estimate with a warning", async () => {
  const book = await calibratePromptBook([3], unevenCounter(), {
    source: english,
    seed: 1,
    form: "chat",
  });
  assert.equal(book.mode, "estimate");
  assert.equal(book.warnings.length, 1);
  assert.match(book.warnings[0], /exactly 3 tokens/);
  assert.equal(book.promptFor(0, 3).split(" ").length, 3);
});

Deno.test("a server without /tokenize gets estimated lengths and one warning line", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => Response.json({ detail: "Not Found" }, { status: 404 }),
  );
  try {
    const lines: string[] = [];
    const book = await preparePrompts(
      { endpoint: "chat", seed: 42, request: { promptTokens: 100 } },
      { baseUrl: `http://127.0.0.1:${server.addr.port}/v1`, model: "m", log: (l) => lines.push(l) },
    );
    assert.equal(book.mode, "estimate");
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^warning: prompt lengths are estimates .*no \/tokenize/);
    assert.equal(book.promptFor(5, 100).split(" ").length, 100);
  } finally {
    await server.shutdown();
  }
});

Deno.test("estimated prompts keep today's word-count prompts and honour a shared prefix", () => {
  const book = estimatePromptBook({ source: english, seed: 42, sharedPrefixTokens: 10 });
  const a = book.promptFor(0, 50).split(" ");
  const b = book.promptFor(1, 50).split(" ");
  assert.equal(a.length, 50);
  assert.deepEqual(a.slice(0, 10), b.slice(0, 10));
  assert.notDeepEqual(a.slice(10), b.slice(10));
});

Deno.test("the server root drops a trailing /v1", () => {
  assert.equal(serverRoot("http://127.0.0.1:8000/v1"), "http://127.0.0.1:8000");
  assert.equal(serverRoot("http://h:1/v1/"), "http://h:1");
  assert.equal(serverRoot("http://h:1/api"), "http://h:1/api");
});

Deno.test("a book rebuilt from its portable form (for a worker thread) gives the same prompts, after a structured clone", async () => {
  const sim = await startSim({ seed: 1 });
  try {
    const model = await simModel(sim.baseUrl);
    const counter = createTokenCounter(sim.baseUrl, { model });
    const exact = await calibratePromptBook([300, 700], counter, {
      source: english,
      seed: 3,
      form: "chat",
      sharedPrefixTokens: 40,
    });
    const estimate = estimatePromptBook({ source: korean, seed: 5 });
    for (const book of [exact, estimate]) {
      const copy = promptBookFrom(structuredClone(book.portable));
      assert.equal(copy.mode, book.mode);
      assert.equal(copy.approximate, book.approximate);
      // 500 was not calibrated: both fall back to the same estimate.
      for (const n of [300, 500, 700]) {
        for (const i of [0, 1, 77, 123_456]) {
          assert.equal(copy.promptFor(i, n), book.promptFor(i, n));
        }
      }
    }
  } finally {
    await sim.close();
  }
});
