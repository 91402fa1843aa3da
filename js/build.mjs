// Builds js/dist: the classic script (IIFE defining window.PresenceSync), the ES module,
// the type declarations, and a gzip of presence-sync.wasm when it is there (the Makefile
// builds the module and copies wasm_exec.js first). Usage: node build.mjs
import { build } from "esbuild";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "dist");
fs.mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  target: ["es2022"],
  platform: /** @type {const} */ ("browser"),
  legalComments: /** @type {const} */ ("inline"),
  logLevel: /** @type {const} */ ("warning"),
  banner: { js: "/* presence-sync: Amazon Connect <-> Salesforce Omni-Channel presence sync. https://github.com/presence-sync/presence-sync */" },
};

await build({
  ...common,
  entryPoints: [path.join(here, "src", "entry-classic.js")],
  outfile: path.join(dist, "presence-sync.js"),
  format: "iife",
  globalName: "PresenceSync",
});
await build({
  ...common,
  entryPoints: [path.join(here, "src", "entry-esm.js")],
  outfile: path.join(dist, "presence-sync.mjs"),
  format: "esm",
});
fs.copyFileSync(path.join(here, "presence-sync.d.ts"), path.join(dist, "presence-sync.d.ts"));

const wasm = path.join(dist, "presence-sync.wasm");
if (fs.existsSync(wasm)) {
  fs.writeFileSync(wasm + ".gz", zlib.gzipSync(fs.readFileSync(wasm), { level: 9 }));
}
for (const f of fs.readdirSync(dist).sort()) {
  console.log(`js/dist/${f}\t${fs.statSync(path.join(dist, f)).size} bytes`);
}
