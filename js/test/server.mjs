// A small static file server for the browser tests and the demo.
// It listens on 127.0.0.1 only and serves a fixed set of mounts:
//
//   /dist/      js/dist (the built shim, wasm_exec.js, presence-sync.wasm)
//   /streams/   amazon-connect-streams/release (the real Streams library from npm)
//   /fake-ccp/  js/fake-ccp (the simulated CCP frame)
//   /pages/     js/test/pages (test pages)
//   /demo/      js/demo (the demo page)
//   /testdata/  the repository's testdata/
//   /salesforce/ js/salesforce (the utility item's Aura bundle, the page glue softphone.js)
//   /fakes/     js/test/fakes (the Salesforce fakes, for the Lightning test pages)
//   /apex/PresenceSyncSoftphone  js/test/pages/lightning-vf.html: what the Visualforce page
//               serves, for the Lightning tests (asked for on the Visualforce test hostname)
//
// Pages under /pages/ may ask for a Content-Security-Policy header with
// `?csp=<policy>` so that tests can reproduce a page that blocks WebAssembly.
//
// /shared/<room>/... holds platforms shared by several tabs (shared-platforms.mjs): one
// agent for every fake CCP frame opened with `?shared=<room>`, one Omni-Channel for every
// page using /pages/shared-omni.js, and the rules of the room's demo tabs, each change pushed
// to every tab with Server-Sent Events, as a real CCP and a real Omni-Channel are shared by
// the agent's tabs. Two servers given the same `rooms` share them (make demo serves the
// page and the CCP frame on two ports, two origins, one agent).

import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRooms } from "./shared-platforms.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
/** The js/ directory. */
export const jsRoot = path.resolve(here, "..");
/** The repository root. */
export const repoRoot = path.resolve(jsRoot, "..");

/** @type {Record<string, string>} */
const mounts = {
  "/dist/": path.join(jsRoot, "dist"),
  "/streams/": path.join(jsRoot, "node_modules", "amazon-connect-streams", "release"),
  "/fake-ccp/": path.join(jsRoot, "fake-ccp"),
  "/pages/": path.join(jsRoot, "test", "pages"),
  "/demo/": path.join(jsRoot, "demo"),
  "/testdata/": path.join(repoRoot, "testdata"),
  "/salesforce/": path.join(jsRoot, "salesforce"),
  "/fakes/": path.join(jsRoot, "test", "fakes"),
};

/** Fixed paths served from one file. @type {Record<string, string>} */
const routes = {
  "/apex/PresenceSyncSoftphone": path.join(jsRoot, "test", "pages", "lightning-vf.html"),
};

/** Content types by extension (the bench server serves with these too). @type {Record<string, string>} */
export const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ts": "text/plain; charset=utf-8",
  ".gz": "application/gzip",
};

/**
 * Resolves a URL path to a file inside one of the mounts, or null.
 * @param {string} urlPath
 * @returns {string | null}
 */
export function resolvePath(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  if (Object.prototype.hasOwnProperty.call(routes, decoded)) return routes[decoded];
  for (const [prefix, dir] of Object.entries(mounts)) {
    if (!decoded.startsWith(prefix)) continue;
    let rel = decoded.slice(prefix.length);
    if (rel === "" || rel.endsWith("/")) rel += "index.html";
    const file = path.resolve(dir, rel);
    if (file !== dir && !file.startsWith(dir + path.sep)) return null;
    return file;
  }
  return null;
}

/**
 * Starts the server.
 * @param {{port?: number, host?: string, log?: boolean, keepRequests?: boolean, rooms?: ReturnType<typeof createRooms>}} [opts]
 *   keepRequests: false stops recording request paths (long runs); rooms: another server's
 *   shared platforms (default: this server's own)
 * @returns {Promise<{server: http.Server, port: number, url: string, close: () => Promise<void>, requests: string[], rooms: ReturnType<typeof createRooms>}>}
 */
export function startServer(opts = {}) {
  const host = opts.host ?? "127.0.0.1";
  /** @type {string[]} */
  const requests = [];
  const rooms = opts.rooms ?? createRooms();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (opts.keepRequests !== false) requests.push(`${req.headers.host ?? ""}${url.pathname}`);
    if (opts.log) console.log(`${req.method} ${req.headers.host}${url.pathname}`);
    if (url.pathname.startsWith("/shared/")) {
      rooms.handle(req, res, url);
      return;
    }
    if (url.pathname === "/") {
      res.writeHead(302, { Location: "/demo/" });
      res.end();
      return;
    }
    if (url.pathname === "/testdata/rules/index.json") {
      // The rules files the demo's editor offers.
      const dir = path.join(repoRoot, "testdata", "rules");
      const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json") && f !== "index.json").sort() : [];
      res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" });
      res.end(JSON.stringify(files));
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405).end();
      return;
    }
    const file = resolvePath(url.pathname);
    if (!file) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
      return;
    }
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
        return;
      }
      /** @type {Record<string, string|number>} */
      const headers = {
        "Content-Type": types[path.extname(file)] ?? "application/octet-stream",
        "Content-Length": st.size,
        "Cache-Control": "no-store",
      };
      const csp = url.searchParams.get("csp");
      if (csp && url.pathname.startsWith("/pages/") && file.endsWith(".html")) {
        headers["Content-Security-Policy"] = csp;
      }
      res.writeHead(200, headers);
      if (req.method === "HEAD") {
        res.end();
        return;
      }
      fs.createReadStream(file).pipe(res);
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      const addr = server.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      resolve({
        server,
        port,
        url: `http://${host}:${port}`,
        requests,
        rooms,
        close: () => new Promise((r) => { rooms.closeAll(); server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}
