// `make demo`: serves the demo on 127.0.0.1 — the page on PORT (default 8080) and the
// simulated CCP frame on PORT+1, a different origin, as the real CCP is.
import { startServer } from "../test/server.mjs";

const port = Number(process.env.PORT || 8080);
if (!Number.isInteger(port) || port <= 0 || port >= 65535) {
  console.error(`PORT must be a port number, got ${process.env.PORT}`);
  process.exit(2);
}
try {
  const page = await startServer({ port });
  const ccp = await startServer({ port: port + 1 });
  console.log(`presence-sync demo: ${page.url}/demo/`);
  console.log(`  (simulated CCP frame served from ${ccp.url}/fake-ccp/; Ctrl-C stops)`);
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
