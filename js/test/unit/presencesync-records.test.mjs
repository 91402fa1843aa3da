// @ts-check
// One conversion of PresenceSyncRule records, two readers: `presencesync import-metadata` (Go,
// rules/metadata, what lint, explain and simulate read from a folder of records) and
// js/salesforce/lib/records.mjs's rulesDocumentOf (what make salesforce-check lints) must hold
// the same rules, in the same order. records.mjs writes a one-criterion record in the record
// form (operandA at the rule's top level, value for state) and every rule active, for lint's
// proofs; presencesync writes the canonical shape with each record's Active__c. Both are the
// document the Apex (PresenceSyncRules.load) builds.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, describe, test } from "node:test";
import { readObjects, readRecords, rulesDocumentOf } from "../../salesforce/lib/records.mjs";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const presencesync = path.join(repoRoot, "bin", "presencesync");
const metadataRoot = path.join(repoRoot, "js", "salesforce", "force-app", "main", "default");

const temps = /** @type {string[]} */ ([]);
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/**
 * presencesync's document for a folder of records.
 * @param {string} dir
 */
function imported(dir) {
  const run = spawnSync(presencesync, ["import-metadata", dir], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

/**
 * records.mjs's rules for a folder of records (the type read from the project).
 * @param {string} dir a folder holding customMetadata/
 */
function ofRecordsMjs(dir) {
  const problems = /** @type {string[]} */ ([]);
  const objects = readObjects(metadataRoot, problems);
  const records = readRecords(dir, objects, problems);
  assert.deepEqual(problems, []);
  const { rules, records: order } = rulesDocumentOf(records);
  return { infos: records, rules, order };
}

/**
 * A rule in the canonical shape: the record form's criterion gathered into criteria, value as
 * state, without active (compared on its own).
 * @param {Record<string, any>} rule
 */
function canonical(rule) {
  /** @type {Record<string, any>} */
  const out = {};
  /** @type {Record<string, any>} */
  const criterion = {};
  for (const [key, value] of Object.entries(rule)) {
    if (["operandA", "operandAValue", "comparator", "operandB", "operandBValue"].includes(key)) criterion[key] = value;
    else if (key === "value") out.state = value;
    else if (key !== "active") out[key] = value;
  }
  if (Object.keys(criterion).length) out.criteria = criterion;
  return out;
}

/**
 * Both readers agree on a folder: same rules in the same order, active as Active__c says.
 * @param {string} dir
 */
function assertSame(dir) {
  const { infos, rules, order } = ofRecordsMjs(dir);
  const doc = imported(dir);
  assert.equal(doc.rules.length, rules.length);
  doc.rules.forEach((/** @type {Record<string, any>} */ rule, /** @type {number} */ i) => {
    assert.deepEqual(canonical(rule), canonical(rules[i]), `rule ${i} (${order[i]})`);
    const active = infos.find((r) => r.developerName === order[i])?.values.get("Active__c");
    assert.equal(rule.active, active?.text === "true", `rule ${i} is active as Active__c says`);
  });
  return doc;
}

describe("presencesync import-metadata and records.mjs", () => {
  test("read the shipped example records the same", () => {
    const doc = assertSame(metadataRoot);
    assert.ok(doc.rules.length >= 3);
  });

  test("read records with groups, numbers and cooldowns in Criteria__c the same", () => {
    const doc = assertSame(path.join(repoRoot, "testdata", "records", "groups"));
    const full = doc.rules.find((/** @type {any} */ r) => r.name === "Omni full: Connect not routable");
    assert.equal(full.cooldownMs, 30000);
    assert.equal(full.criteria.any[0].operandBValue, 100, "a number stays a number");
  });

  test("read what export-metadata writes for hard cases the same", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "presence-sync-records-"));
    temps.push(dir);
    const rulesFile = path.join(dir, "rules.json");
    const criterion = (/** @type {any} */ b) => ({ operandA: "Connect Agent Next State", comparator: "Equal to", operandB: "Static Value", ...b });
    writeFileSync(
      rulesFile,
      JSON.stringify({
        rules: [
          { name: "No next state", active: false, source: "Connect Agent State Change", criteria: criterion({ operandBValue: "" }), destination: "Salesforce Agent State", state: "Available" },
          { name: "Static value missing", source: "Connect Agent State Change", criteria: criterion({}), destination: "Salesforce Agent State", state: "Away" },
          { name: "Workload as a number", source: "Salesforce Workload Changed", criteria: { operandA: "Salesforce New Workload", comparator: "Greater than", operandB: "Static Value", operandBValue: 2 }, destination: "Connect Agent State", state: "Busy Working", cooldownMs: 500 },
          { name: "Workload as text", source: "Salesforce Workload Changed", operandA: "Salesforce New Workload", comparator: "Greater than", operandB: "Static Value", operandBValue: "2", destination: "Connect Agent State", value: "Busy Working", description: "<the record form> & \"quotes\"" },
        ],
      }),
    );
    const run = spawnSync(presencesync, ["export-metadata", rulesFile, dir], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const doc = assertSame(dir);
    assert.equal(doc.rules[0].criteria.operandBValue, "");
    assert.equal("operandBValue" in doc.rules[1].criteria, false);
    assert.equal(doc.rules[2].criteria.operandBValue, 2);
    assert.equal(doc.rules[3].criteria.operandBValue, "2");
  });
});
