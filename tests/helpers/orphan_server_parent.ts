// A parent that starts a "server" (sleep 60) through startServer, prints its pid and waits:
// the test kills this process with SIGKILL and checks that the server does not outlive it.
import { join } from "node:path";
import { startServer } from "../../lib/campaign/server_process.ts";

const dir = await Deno.makeTempDir();
const server = await startServer(["sleep", "60"], { logPath: join(dir, "server.log") });
console.log(JSON.stringify({ pid: server.pid }));
await new Promise(() => {});
