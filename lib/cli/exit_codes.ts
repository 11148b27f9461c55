/** Documented exit codes (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  gate: 3,
  unreachable: 4,
  interrupted: 130,
  terminated: 143,
} as const;
