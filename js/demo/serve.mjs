// `make demo`: serves the demo on 127.0.0.1 — the page on PORT (default 8080) and the
// simulated CCP frame on PORT+1, a different origin, as the real CCP is. Both servers hold
// the same rooms (js/test/shared-platforms.mjs): one agent's Connect state and Omni-Channel
// presence, and the rules its tabs run, for every tab that opens the page, as Amazon Connect
// and Salesforce hold them for every CCP and console tab of a real agent.
import { startServer } from "../test/server.mjs";
import { createRooms } from "../test/shared-platforms.mjs";

const port = Number(process.env.PORT || 8080);
if (!Number.isInteger(port) || port <= 0 || port >= 65535) {
  console.error(`PORT must be a port number, got ${process.env.PORT}`);
  process.exit(2);
}
const rooms = createRooms();
try {
  const page = await startServer({ port, rooms });
  const ccp = await startServer({ port: port + 1, rooms }).catch(async (e) => {
    await page.close();
    throw e;
  });
  console.log(`presence-sync demo: ${page.url}/demo/`);
  console.log(`  Open it in several tabs: they are one agent's tabs, and one of them writes.`);
  console.log(`  (${page.url}/demo/?room=NAME is another agent; the simulated CCP frame is served from ${ccp.url}/fake-ccp/; Ctrl-C stops)`);
  const stop = async () => {
    await Promise.all([page.close(), ccp.close()]);
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (e) {
  const err = /** @type {NodeJS.ErrnoException} */ (e);
  if (err.code === "EADDRINUSE") {
    console.error(`Port ${port} or ${port + 1} is in use on 127.0.0.1: run "make demo PORT=<other port>".`);
  } else {
    console.error(err.message);
  }
  process.exit(1);
}
