/**
 * Records in flight from a worker thread to the main thread, in batches: the per-token arrays of
 * every record in a batch travel as one transferred Float64Array (times) and one Uint32Array
 * (counts), moved rather than copied; the rest of each record is a small structured clone.
 */

import type { RequestRecord } from "../metrics/record.ts";

/** A batch as posted; `transfer` lists the buffers to move with it. */
export interface RecordBatch {
  /** The records without `tokenTimes` / `tokenCounts`. */
  heads: Omit<RequestRecord, "tokenTimes" | "tokenCounts">[];
  /** Every record's token times, concatenated in order. */
  times: Float64Array;
  /** Every record's token counts, concatenated in order. */
  counts: Uint32Array;
  /** Token events per record. */
  lengths: Uint32Array;
}

/** Packs records into one batch; returns it and the buffers to transfer. */
export function packRecords(
  records: readonly RequestRecord[],
): { batch: RecordBatch; transfer: ArrayBuffer[] } {
  let n = 0;
  for (const r of records) n += r.tokenTimes.length;
  const times = new Float64Array(n);
  const counts = new Uint32Array(n);
  const lengths = new Uint32Array(records.length);
  const heads: RecordBatch["heads"] = [];
  let at = 0;
  records.forEach((r, i) => {
    const { tokenTimes, tokenCounts, ...head } = r;
    times.set(tokenTimes, at);
    counts.set(tokenCounts, at);
    at += tokenTimes.length;
    lengths[i] = tokenTimes.length;
    heads.push(head);
  });
  return {
    batch: { heads, times, counts, lengths },
    transfer: [times.buffer, counts.buffer, lengths.buffer],
  };
}

/** The records of a batch, as they were packed. */
export function unpackRecords(batch: RecordBatch): RequestRecord[] {
  let at = 0;
  return batch.heads.map((head, i) => {
    const n = batch.lengths[i];
    const record = {
      ...head,
      tokenTimes: Array.from(batch.times.subarray(at, at + n)),
      tokenCounts: Array.from(batch.counts.subarray(at, at + n)),
    } as RequestRecord;
    at += n;
    return record;
  });
}
