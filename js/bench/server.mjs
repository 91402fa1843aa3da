// The benchmark's static server: the browser tests' mounts (js/test/server.mjs's
// resolvePath: /dist/, /streams/, /fake-ccp/, ...) plus /bench/ (this directory), served
// as a production host would serve them: cacheable (Cache-Control max-age and an ETag,
// so that a warm start really comes from the cache) and compressed (brotli or gzip,
// whichever the browser accepts, precompressed once at the highest levels).
// It records what each request was answered with, for the start-up figures.

import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { resolvePath, types } from "../test/server.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".json", ".wasm"]);

/**
 * @param {string} urlPath
 * @returns {string | null}
 */
function fileFor(urlPath) {
  if (urlPath.startsWith("/bench/")) {
    const rel = decodeURIComponent(urlPath.slice("/bench/".length)) || "index.html";
    const file = path.resolve(here, rel);
    return file.startsWith(here + path.sep) ? file : null;
  }
  return resolvePath(urlPath);
}

/** @type {Map<string, {mtime: number, raw: Buffer, gzip?: Buffer, br?: Buffer, etag: string}>} */
const cache = new Map();

/**
 * @param {string} file
 * @param {fs.Stats} st
 */
function entry(file, st) {
  let e = cache.get(file);
  if (!e || e.mtime !== st.mtimeMs) {
    const raw = fs.readFileSync(file);
    e = { mtime: st.mtimeMs, raw, etag: `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"` };
    if (COMPRESSIBLE.has(path.extname(file)) && raw.length > 1024) {
      e.gzip = zlib.gzipSync(raw, { level: 9 });
      e.br = zlib.brotliCompressSync(raw, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
      });
    }
    cache.set(file, e);
  }
  return e;
}

/**
 * Starts the server on 127.0.0.1.
 * @param {{compress?: boolean, prewarm?: string[]}} [opts] compress: false serves every file as
 *   is; prewarm: files to read and compress before listening
 * @returns {Promise<{url: string, port: number, log: {path: string, encoding: string, bytes: number, status: number}[], close: () => Promise<void>}>}
 */
export function startBenchServer(opts = {}) {
  const compress = opts.compress !== false;
  // Compress the big files now, not while a cold start waits for them.
  for (const f of opts.prewarm ?? []) {
    try {
      entry(f, fs.statSync(f));
    } catch {
      // missing: served as 404 later
    }
  }
  /** @type {{path: string, encoding: string, bytes: number, status: number}[]} */
  const log = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const file = req.method === "GET" || req.method === "HEAD" ? fileFor(url.pathname) : null;
    let st;
    try {
      st = file ? fs.statSync(file) : null;
    } catch {
      st = null;
    }
    if (!file || !st || !st.isFile()) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
      return;
    }
    const e = entry(file, st);
    /** @type {Record<string, string | number>} */
    const headers = {
      "Content-Type": types[path.extname(file)] ?? "application/octet-stream",
      "Cache-Control": "public, max-age=3600",
      ETag: e.etag,
      Vary: "Accept-Encoding",
      // Cross-origin isolation (the page, and the CCP frame it embeds, opt in): Chromium
      // then gives performance.now() a 5 µs resolution instead of 100 µs.
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
      "Cross-Origin-Resource-Policy": "cross-origin",
    };
    if (req.headers["if-none-match"] === e.etag) {
      log.push({ path: url.pathname, encoding: "", bytes: 0, status: 304 });
      res.writeHead(304, headers).end();
      return;
    }
    const accept = String(req.headers["accept-encoding"] ?? "");
    let body = e.raw;
    let encoding = "identity";
    if (compress && e.br && /\bbr\b/.test(accept)) {
      body = e.br;
      encoding = "br";
    } else if (compress && e.gzip && /\bgzip\b/.test(accept)) {
      body = e.gzip;
      encoding = "gzip";
    }
    if (encoding !== "identity") headers["Content-Encoding"] = encoding;
    headers["Content-Length"] = body.length;
    log.push({ path: url.pathname, encoding, bytes: body.length, status: 200 });
    res.writeHead(200, headers);
    res.end(req.method === "HEAD" ? undefined : body);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const addr = server.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        log,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}
