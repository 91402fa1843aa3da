#!/usr/bin/env node
// @ts-check
// make salesforce-check and make salesforce.
//
// --check (make salesforce-check, part of make test) checks the Salesforce DX source offline:
//   the names one file uses of another (lib/metadata.mjs), every Apex class parsed by
//   @apexdevtools/apex-parser (lib/apex.mjs), the custom metadata type and its records
//   (lib/records.mjs), the records linted as rules by presencesync, and the whole project
//   converted to metadata format by Salesforce's @salesforce/source-deploy-retrieve
//   (lib/sdr.mjs), with a stand-in for the static resource, which is built, not kept.
//
// Without --check (make salesforce) it also lints the rules file it packs (and stops on an
// error), builds the PresenceSync static resource (presence-sync.js, presence-sync.wasm,
// wasm_exec.js, connect-streams.js, softphone.js, rules.json) and a deployable project with
// it, converts that project with source-deploy-retrieve too, and prints the deploy command:
//
//   dist/PresenceSync.zip          the static resource (Setup > Static Resources, to update by hand)
//   dist/project/                  sfdx-project.json + force-app with the resource in place
//
// Usage: node js/salesforce/build.mjs [--rules FILE] [--dist DIR] [--streams FILE] [--out DIR]
//                                     [--presencesync BIN] [--check]
//   --rules         the sync rules (default js/salesforce/rules.json, or $PRESENCE_SYNC_RULES)
//   --dist          where presence-sync.js, presence-sync.wasm and wasm_exec.js are (default js/dist)
//   --streams       Amazon Connect Streams (default js/node_modules/amazon-connect-streams/release/connect-streams-min.js)
//   --out           output directory (default js/salesforce/dist)
//   --presencesync  the presencesync command that lints rules (default bin/presencesync)
//   --check         only check the source

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { deflateSync, unzipSync, zipSync } from "fflate";
import { BUNDLE_FILES, checkMetadata } from "./lib/metadata.mjs";
import { rulesDocumentOf } from "./lib/records.mjs";
import { convertProject } from "./lib/sdr.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const jsDir = path.resolve(here, "..");
const repoRoot = path.resolve(jsDir, "..");

export const RESOURCE_NAME = "PresenceSync";

/** Every entry of the archive gets this time, so the same inputs give the same bytes. */
const ZIP_TIME = new Date(2020, 0, 1);

export class BuildError extends Error {}

/**
 * The deploy command for a built project, as the README's "Build and deploy" shows it.
 * @param {string} project the project directory as the user types it (relative to the repository root)
 * @param {string[]} tests the Apex test classes to run
 */
export function deployCommand(project, tests) {
  return [
    `cd ${project}`,
    "sf project deploy start --source-dir force-app --target-org <alias> \\",
    `   --test-level RunSpecifiedTests ${tests.map((t) => `--tests ${t}`).join(" ")}`,
  ].join("\n");
}

/**
 * A zip archive of the entries: deflated, or stored when deflating does not make an entry smaller.
 * @param {Array<{name: string, data: Uint8Array}>} entries
 */
export function zipEntries(entries) {
  /** @type {import("fflate").Zippable} */
  const files = {};
  for (const { name, data } of entries) {
    if (Object.prototype.hasOwnProperty.call(files, name)) throw new BuildError(`zip entry ${name} given twice`);
    const bytes = new Uint8Array(data);
    files[name] = [bytes, { level: deflateSync(bytes, { level: 9 }).length < bytes.length ? 9 : 0, mtime: ZIP_TIME }];
  }
  return Buffer.from(zipSync(files));
}

/**
 * Runs `presencesync lint` on a rules document; returns its report, throws BuildError on an error.
 * @param {string} presencesync
 * @param {string} file
 * @param {string[]} args extra arguments (--json)
 */
function lint(presencesync, file, args = []) {
  if (!existsSync(presencesync)) throw new BuildError(`${presencesync} does not exist (run make build)`);
  const run = spawnSync(presencesync, ["lint", ...args, file], { encoding: "utf8" });
  if (run.error) throw new BuildError(`cannot run ${presencesync}: ${run.error.message}`);
  if (run.status !== 0 && run.status !== 1) throw new BuildError(`${presencesync} lint ${file} failed (exit ${run.status}): ${run.stderr.trim()}`);
  return { ok: run.status === 0, stdout: run.stdout, stderr: run.stderr };
}

/**
 * The page's own recordField (softphone/softphone.js, which names the record field behind an
 * engine error on the agent's status line), so that make salesforce names the same field.
 * @param {string} root js/salesforce
 * @returns {(field: string | undefined, fromCriteriaJson: boolean) => string}
 */
export function pageRecordField(root) {
  const window = /** @type {any} */ ({});
  vm.runInNewContext(readFileSync(path.join(root, "softphone", "softphone.js"), "utf8"), { window }, { filename: "softphone.js" });
  const recordField = window.PresenceSyncSoftphone?.recordField;
  if (typeof recordField !== "function") throw new BuildError("softphone/softphone.js does not define PresenceSyncSoftphone.recordField");
  return recordField;
}

/**
 * Lints the custom metadata records of the project as the rules document the softphone would
 * build from them; diagnostics name the record's file and field.
 * @param {string} root js/salesforce
 * @param {import("./lib/records.mjs").RecordInfo[]} records
 * @param {string} presencesync
 * @param {(line: string) => void} log
 */
function lintRecords(root, records, presencesync, log) {
  const { rules, records: order, criteriaJson } = rulesDocumentOf(records);
  if (!rules.length) return 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), "presence-sync-records-"));
  try {
    const file = path.join(dir, "records.json");
    writeFileSync(file, JSON.stringify({ rules }, null, 2));
    const { ok, stdout } = lint(presencesync, file, ["--json"]);
    const report = JSON.parse(stdout);
    const diagnostics = /** @type {any[]} */ (Array.isArray(report) ? report.flatMap((r) => r.diagnostics ?? []) : []);
    const recordField = pageRecordField(root);
    for (const d of diagnostics) {
      const record = records.find((r) => r.developerName === order[d.ruleIndex]);
      const field = recordField(d.field, criteriaJson[d.ruleIndex] === true);
      log(`${record?.file ?? `rules[${d.ruleIndex}]`}${field ? `, field ${field}` : ""}: ${d.severity}: ${d.message}`);
    }
    if (!ok) throw new BuildError(`the Presence Sync Rule records under customMetadata/ have errors (above)`);
    return rules.length;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Source-deploy-retrieve's conversion of a project; throws BuildError on a problem.
 * @param {string} project
 */
async function convert(project) {
  const conversion = await convertProject(project);
  if (conversion.problems.length) {
    throw new BuildError(`Salesforce's source-deploy-retrieve does not accept the project:\n  ${conversion.problems.join("\n  ")}`);
  }
  return conversion;
}

/**
 * @param {{root?: string, rules?: string, dist?: string, streams?: string, out?: string, presencesync?: string, checkOnly?: boolean, log?: (line: string) => void}} [options]
 */
export async function build(options = {}) {
  const root = options.root ?? here;
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  const presencesync = options.presencesync ?? process.env.PRESENCESYNC ?? path.join(repoRoot, "bin", "presencesync");
  const shown = (/** @type {string} */ p) => path.relative(process.cwd(), p) || p;

  const { problems, facts } = checkMetadata(root);
  if (problems.length) {
    throw new BuildError(`Salesforce metadata has ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
  }
  log(`metadata ok (${shown(path.join(root, "force-app"))}): Apex parsed (${facts.classes.size} classes), names consistent`);
  const linted = lintRecords(root, facts.records, presencesync, log);
  log(`records: ${facts.records.length} custom metadata record(s), ${linted} Presence Sync Rule(s) linted`);

  if (options.checkOnly) {
    const stage = mkdtempSync(path.join(os.tmpdir(), "presence-sync-check-"));
    try {
      cpSync(path.join(root, "sfdx-project.json"), path.join(stage, "sfdx-project.json"));
      cpSync(path.join(root, "force-app"), path.join(stage, "force-app"), { recursive: true });
      // The static resource is built by make salesforce; a stand-in with the same files lets
      // source-deploy-retrieve see the component whole.
      const standIn = zipEntries(BUNDLE_FILES.map((name) => ({ name, data: new Uint8Array(0) })));
      for (const name of facts.resources) writeFileSync(path.join(stage, "force-app", "main", "default", "staticresources", `${name}.resource`), standIn);
      const conversion = await convert(stage);
      log(`source-deploy-retrieve: ${conversion.components.length} components recognised, converted to metadata format (API ${conversion.version})`);
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
    return null;
  }

  const dist = options.dist ?? path.join(jsDir, "dist");
  const streamsDir = path.join(jsDir, "node_modules", "amazon-connect-streams", "release");
  const streams =
    options.streams ?? [path.join(streamsDir, "connect-streams-min.js"), path.join(streamsDir, "connect-streams.js")].find((f) => existsSync(f)) ?? path.join(streamsDir, "connect-streams-min.js");
  const rules = options.rules ?? process.env.PRESENCE_SYNC_RULES ?? path.join(root, "rules.json");
  const out = options.out ?? path.join(root, "dist");

  if (!existsSync(rules)) throw new BuildError(`rules.json: ${rules} does not exist (pass --rules FILE)`);
  const rulesLint = lint(presencesync, shown(rules));
  for (const line of `${rulesLint.stdout}${rulesLint.stderr}`.split("\n").filter(Boolean)) log(line);
  if (!rulesLint.ok) throw new BuildError(`${shown(rules)} has errors (above): fix them, nothing was built`);

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
  const document = JSON.parse(/** @type {{data: Buffer}} */ (entries.find((e) => e.name === "rules.json")).data.toString("utf8"));

  const zip = zipEntries(entries);
  const back = unzipSync(zip);
  for (const entry of entries) {
    if (!back[entry.name] || !Buffer.from(back[entry.name]).equals(entry.data)) throw new BuildError(`the archive does not read back ${entry.name}`);
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
  const conversion = await convert(project);

  log(`${shown(zipFile)}: ${zip.length} bytes, ${entries.map((e) => `${e.name} (${e.data.length})`).join(", ")}`);
  log(`rules: ${shown(rules)} (${document.rules.length} rule${document.rules.length === 1 ? "" : "s"})`);
  log(`source-deploy-retrieve: ${conversion.components.length} components recognised, converted to metadata format (API ${conversion.version})`);
  log("deploy:");
  for (const line of deployCommand(shown(project), facts.tests).split("\n")) log(`  ${line}`);
  return { zipFile, project, entries: entries.map((e) => e.name), size: zip.length, components: conversion.components, tests: facts.tests };
}

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {Record<string, any>} */
  const options = {};
  const names = /** @type {Record<string, string>} */ ({ "--rules": "rules", "--dist": "dist", "--streams": "streams", "--out": "out", "--presencesync": "presencesync" });
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
      process.stdout.write("usage: node js/salesforce/build.mjs [--rules FILE] [--dist DIR] [--streams FILE] [--out DIR] [--presencesync BIN] [--check]\n");
    } else {
      await build(options);
    }
  } catch (error) {
    if (error instanceof BuildError) {
      process.stderr.write(`make salesforce: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
