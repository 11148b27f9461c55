import { defineScenario } from "../lib/config/scenario.ts";

/** A few seconds of light closed-loop load: is the server up and streaming? */
export default defineScenario({
  name: "smoke",
  description:
    "a few seconds at 2 users, short prompts and outputs: is the server up and streaming?",
  load: { concurrency: 2 },
  request: { promptTokens: 128, maxTokens: 32, ignoreEos: true },
  stop: { duration: "5s" },
});
