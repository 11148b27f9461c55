/**
 * Small byte arrays carved out of large shared buffers. The simulator builds one ~250-byte SSE
 * event (and one chunk frame) per token, up to ~100k per second; a fresh `Uint8Array` each time
 * costs an ArrayBuffer allocation and later a GC finaliser, measured at ~2 µs per token on our
 * 2-core VM, while a view into a slab costs a small heap object. Slabs are never reused: a full
 * one is dropped and stays alive only while views into it do (pending socket writes, events a
 * stalled stream holds back), so no view ever sees its bytes change.
 */

const SLAB_BYTES = 256 * 1024;
// Larger requests get their own buffer so one big body cannot waste most of a slab.
const MAX_CARVE = 4 * 1024;

let slab = new Uint8Array(SLAB_BYTES);
let used = 0;

/** A zero-filled-or-not scratch array of `n` bytes that the caller fills completely. */
export function allocBytes(n: number): Uint8Array {
  if (n > MAX_CARVE) return new Uint8Array(n);
  if (used + n > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    used = 0;
  }
  const view = slab.subarray(used, used + n);
  used += n;
  return view;
}
