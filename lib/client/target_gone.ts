/**
 * The reason a run's cancel signal carries when the target itself went away (a server variant's
 * process exited mid-run): requests it cuts short are the server's failures (`stream`), not
 * requests llmload chose to cancel (`cancelled`, kept out of error rates).
 */
export class TargetGone extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TargetGone";
  }
}
