/** When to send: seeded randomness, pacers, clocks, stop rules and the open/closed-loop executors. */

export type { Clock, Dispatch, Slot } from "./types.ts";
export { createRng, type Rng } from "./rng.ts";
export {
  type ArrivalOptions,
  type ArrivalProcess,
  arrivalTimes,
  type ConstantWaitInput,
  constantWaitMs,
  waitMs,
} from "./pacers.ts";
export { realClock, type RealClockOptions } from "./clock.ts";
export {
  createStopRule,
  type StopDecision,
  type StopRule,
  type StopRuleOptions,
} from "./stop_rule.ts";
export { type OpenLoopOptions, type OpenLoopResult, runOpenLoop } from "./open_loop.ts";
export {
  type ClosedLoopOptions,
  type ClosedLoopResult,
  defaultRampMs,
  runClosedLoop,
} from "./closed_loop.ts";
export {
  runStagedClosedLoop,
  type StagedClosedLoopOptions,
  type StagedClosedLoopResult,
} from "./staged_closed_loop.ts";
export {
  exponentialRamp,
  type IntegrateOptions,
  integrateRate,
  linearRamp,
  type RampOptions,
  rampProblems,
  type RateArrivalOptions,
  rateArrivalTimes,
  type RateFunction,
  rateOptionProblems,
  type ShapedArrival,
} from "./rate_function.ts";
export {
  type ConcurrencySchedule,
  concurrencySchedule,
  type ConcurrencyStage,
  concurrencyStageProblems,
  type RateStage,
  rateStageProblems,
  stagedRate,
  type UserChange,
} from "./stages.ts";
export { type Arrival, type ArrivalFeed, arrivalFeed } from "./arrival_feed.ts";
export {
  type ParsedTrace,
  parseTrace,
  readTrace,
  type TraceOptions,
  type TraceProblem,
} from "./trace_replay.ts";
