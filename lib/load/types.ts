/** A clock in ms from the run origin, injectable so tests run long schedules in milliseconds. */
export interface Clock {
  /** Milliseconds since the run origin (monotonic). */
  now(): number;
  /** Resolves at (or as soon as possible after) `targetMs`; resolves early if `signal` aborts. */
  sleepUntil(targetMs: number, signal?: AbortSignal): Promise<void>;
}

/** One send the executor asks for; the run turns it into a request and awaits it. */
export interface Slot {
  /** 0-based, in order of scheduling. */
  index: number;
  /** When it was meant to go, ms from origin. */
  scheduledAt: number;
  /** Closed loop: the virtual user. */
  user?: number;
  /** Sessions: the session this send is a turn of (docs/sessions.md). */
  session?: number;
  /** Sessions: the turn's number in its session, 1-based. */
  turn?: number;
  /** Warm-up sends are made and recorded but left out of statistics. */
  phase: "warmup" | "measure";
}

/** Sends one request; resolves when the request has fully ended (never rejects). */
export type Dispatch = (slot: Slot) => Promise<void>;
