#!/usr/bin/env node
// make salesforce: checks the Salesforce metadata and builds the PresenceSync static resource
// (presence-sync.js, presence-sync.wasm, wasm_exec.js, connect-streams.js, softphone.js,
// rules.json) and a deployable Salesforce DX project with it, into js/salesforce/dist/:
//
//   dist/PresenceSync.zip          the static resource (Setup > Static Resources, to update by hand)
//   dist/project/                  sfdx-project.json + force-app with the resource in place:
//                                  cd js/salesforce/dist/project && sf project deploy start --source-dir force-app
//
// Usage: node js/salesforce/build.mjs [--rules FILE] [--dist DIR] [--streams FILE] [--out DIR] [--check]
//   --rules    the sync rules (default js/salesforce/rules.json, or $PRESENCE_SYNC_RULES)
//   --dist     where presence-sync.js, presence-sync.wasm and wasm_exec.js are (default js/dist)
//   --streams  Amazon Connect Streams (default js/node_modules/amazon-connect-streams/release/connect-streams-min.js)
//   --out      output directory (default js/salesforce/dist)
//   --check    only check the metadata

import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BUNDLE_FILES, checkMetadata } from "./lib/metadata.mjs";
import { readZip, writeZip } from "./lib/zip.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const jsDir = path.resolve(here, "..");

export const RESOURCE_NAME = "PresenceSync";

export class BuildError extends Error {}

/**
 * @param {{root?: string, rules?: string, dist?: string, streams?: string, out?: string, checkOnly?: boolean, log?: (line: string) => void}} [options]
 */
export function build(options = {}) {
  const root = options.root ?? here;
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  const { problems } = checkMetadata(root);
  if (problems.length) {
    throw new BuildError(`Salesforce metadata has ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
  }
  log(`metadata ok (${path.relative(process.cwd(), path.join(root, "force-app")) || "force-app"})`);
  if (options.checkOnly) return null;

  const dist = options.dist ?? path.join(jsDir, "dist");
  const streamsDir = path.join(jsDir, "node_modules", "amazon-connect-streams", "release");
  const streams =
    options.streams ?? [path.join(streamsDir, "connect-streams-min.js"), path.join(streamsDir, "connect-streams.js")].find((f) => existsSync(f)) ?? path.join(streamsDir, "connect-streams-min.js");
  const rules = options.rules ?? process.env.PRESENCE_SYNC_RULES ?? path.join(root, "rules.json");
  const out = options.out ?? path.join(root, "dist");

  /** @type {Record<string, {file: string, hint: string}>} */
  const inputs = {
    "presence-sync.js": { file: path.join(dist, "presence-sync.js"), hint: "run make dist" },
    "presence-sync.wasm": { file: path.join(dist, "presence-sync.wasm"), hint: "run make dist" },
    "wasm_exec.js": { file: path.join(dist, "wasm_exec.js"), hint: "run make dist" },
    "connect-streams.js": { file: streams, hint: "run npm ci in js/" },
    "softphone.js": { file: path.join(root, "softphone", "softphone.js"), hint: "" },
    "rules.json": { file: rules, hint: "pass --rules FILE" },
  };
  const missing = BUNDLE_FILES.filter((name) => !inputs[name]);
  if (missing.length) throw new BuildError(`no input for ${missing.join(", ")}`);

  const entries = BUNDLE_FILES.map((name) => {
    const { file, hint } = inputs[name];
    if (!existsSync(file)) throw new BuildError(`${name}: ${file} does not exist${hint ? ` (${hint})` : ""}`);
    const data = readFileSync(file);
    if (data.length === 0) throw new BuildError(`${name}: ${file} is empty${hint ? ` (${hint})` : ""}`);
    return { name, data };
  });

  const wasm = /** @type {{data: Buffer}} */ (entries.find((e) => e.name === "presence-sync.wasm")).data;
  if (wasm.length < 8 || wasm.readUInt32BE(0) !== 0x0061736d) throw new BuildError(`presence-sync.wasm: ${inputs["presence-sync.wasm"].file} is not WebAssembly`);
  const rulesEntry = /** @type {{data: Buffer}} */ (entries.find((e) => e.name === "rules.json"));
  let document;
  try {
    document = JSON.parse(rulesEntry.data.toString("utf8"));
  } catch (error) {
    throw new BuildError(`rules.json: ${rules} is not JSON: ${/** @type {Error} */ (error).message}`);
  }
  if (!document || typeof document !== "object" || !Array.isArray(document.rules)) {
    throw new BuildError(`rules.json: ${rules} must be a rules document {"rules": [...]}`);
  }

  const zip = writeZip(entries);
  const check = readZip(zip);
  for (const entry of entries) {
    const back = check.find((c) => c.name === entry.name);
    if (!back || !back.data.equals(entry.data)) throw new BuildError(`the archive does not read back ${entry.name}`);
  }

  mkdirSync(out, { recursive: true });
  const zipFile = path.join(out, `${RESOURCE_NAME}.zip`);
  writeFileSync(zipFile, zip);

  const project = path.join(out, "project");
  rmSync(project, { recursive: true, force: true });
  mkdirSync(project, { recursive: true });
  cpSync(path.join(root, "sfdx-project.json"), path.join(project, "sfdx-project.json"));
  cpSync(path.join(root, "force-app"), path.join(project, "force-app"), { recursive: true });
  writeFileSync(path.join(project, "force-app", "main", "default", "staticresources", `${RESOURCE_NAME}.resource`), zip);
  const built = checkMetadata(project, { requireResourceFile: true, softphoneFile: inputs["softphone.js"].file });
  if (built.problems.length) throw new BuildError(`the built project has problems:\n  ${built.problems.join("\n  ")}`);

  log(`${path.relative(process.cwd(), zipFile) || zipFile}: ${zip.length} bytes, ${entries.map((e) => `${e.name} (${e.data.length})`).join(", ")}`);
  log(`rules: ${rules} (${document.rules.length} rule${document.rules.length === 1 ? "" : "s"})`);
  log(`deploy: cd ${path.relative(process.cwd(), project) || project} && sf project deploy start --source-dir force-app --target-org <alias>`);
  return { zipFile, project, entries: entries.map((e) => e.name), size: zip.length };
}

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {Record<string, any>} */
  const options = {};
  const names = /** @type {Record<string, string>} */ ({ "--rules": "rules", "--dist": "dist", "--streams": "streams", "--out": "out" });
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    if (flag === "--check") options.checkOnly = true;
    else if (names[flag]) {
      const value = inline ?? argv[++i];
      if (!value) throw new BuildError(`${flag} needs a value`);
      options[names[flag]] = path.resolve(value);
    } else if (flag === "--help" || flag === "-h") {
      options.help = true;
    } else throw new BuildError(`unknown argument ${arg}`);
  }
  return options;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const options = parseArgs(process.argv.slice(2));
    if (options.help) {
      process.stdout.write("usage: node js/salesforce/build.mjs [--rules FILE] [--dist DIR] [--streams FILE] [--out DIR] [--check]\n");
    } else {
      build(options);
    }
  } catch (error) {
    if (error instanceof BuildError) {
      process.stderr.write(`make salesforce: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
