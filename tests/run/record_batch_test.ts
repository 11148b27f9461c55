import assert from "node:assert/strict";
import { packRecords, unpackRecords } from "../../lib/run/record_batch.ts";
import type { RequestRecord } from "../../lib/metrics/record.ts";

Deno.test("records packed for a worker's batch unpack to equal records, token arrays in transferred buffers", () => {
  const records: RequestRecord[] = [
    {
      index: 3,
      phase: "measure",
      requestId: "a",
      user: 1,
      scheduledAt: 1.5,
      sentAt: 1.75,
      headersAt: 9,
      endAt: 40.125,
      tokenTimes: [10.001, 20.5, 30.25],
      tokenCounts: [1, 3, 1],
      outputTokens: 5,
      outputTokensSource: "usage",
      error: { kind: "stream", message: "cut", status: 200 },
    },
    {
      index: 4,
      phase: "warmup",
      requestId: "",
      scheduledAt: 2,
      sentAt: 2,
      endAt: 2,
      tokenTimes: [],
      tokenCounts: [],
      outputTokens: 0,
      outputTokensSource: "counted",
      dropped: true,
    },
  ];
  const { batch, transfer } = packRecords(records);
  assert.equal(batch.times.length, 3);
  assert.deepEqual(transfer, [batch.times.buffer, batch.counts.buffer, batch.lengths.buffer]);
  // What the main thread receives: a structured clone that moves the buffers.
  const received = structuredClone(batch, { transfer });
  assert.equal(batch.times.byteLength, 0, "the sender's buffer was moved, not copied");
  assert.deepEqual(unpackRecords(received), records);
  assert.deepEqual(unpackRecords(packRecords([]).batch), []);
});
