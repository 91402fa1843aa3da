// The benchmark's rule sets (js/bench/rulesets.js): the record-form set and the set of
// 5-member "all" groups in the canonical shape are the same rules, and the engine's own
// lint (the Go command, run with `go run`) accepts both without an error.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { rulesDocument, groupsRulesDocument, RULESETS, CYCLE } from "../../bench/rulesets.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** @param {unknown} doc @returns {{errors: number, warnings: number, diagnostics: {code: string, severity: string}[]}} */
function lint(doc) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rulesets-"));
  const file = path.join(dir, "rules.json");
  fs.writeFileSync(file, JSON.stringify(doc));
  try {
    let out;
    try {
      out = execFileSync("go", ["run", "./rules/cmd/presencesync", "lint", "--json", file], { cwd: root, encoding: "utf8" });
    } catch (e) {
      out = /** @type {any} */ (e).stdout; // exit 1: errors, reported in the JSON
    }
    return JSON.parse(out)[0];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("bench rule sets", () => {
  it("the groups set is the record-form set, each rule's criteria a 5-member all group", () => {
    for (const n of [10, 100, 1000]) {
      const single = rulesDocument(n);
      const groups = groupsRulesDocument(n);
      assert.equal(groups.rules.length, n);
      assert.deepEqual(groups.connect, single.connect);
      assert.deepEqual(groups.salesforce, single.salesforce);
      groups.rules.forEach((/** @type {any} */ g, /** @type {number} */ i) => {
        const r = /** @type {any} */ (single.rules[i]);
        assert.equal(g.name, r.name);
        assert.equal(g.source, r.source);
        assert.equal(g.destination, r.destination);
        assert.equal(g.state, r.value);
        assert.equal(g.value, undefined, "canonical shape: no value");
        assert.equal(g.operandA, undefined, "canonical shape: no top-level operand");
        assert.equal(g.criteria.all.length, 5);
        assert.equal(g.criteria.all[0].operandA, r.operandA);
        assert.equal(g.criteria.all[0].operandBValue, r.operandBValue);
      });
      // The deciding rules come last, as in the record-form set.
      const last = groups.rules.slice(-2 * CYCLE.length).map((/** @type {any} */ r) => r.state);
      assert.deepEqual(last, CYCLE.flatMap((s) => ["Omni_" + s, s]));
    }
    assert.equal(RULESETS.groups, groupsRulesDocument);
    assert.equal(RULESETS.single, rulesDocument);
  });

  it("lint accepts both sets (warnings only: their fillers test names that never occur and constants)", () => {
    for (const make of [rulesDocument, groupsRulesDocument]) {
      const res = lint(make(60));
      assert.equal(res.errors, 0, JSON.stringify(res.diagnostics.filter((d) => d.severity === "error")));
      const codes = new Set(res.diagnostics.map((d) => d.code));
      for (const c of codes) assert.ok(["unknown-state", "unknown-channel", "constant-criterion"].includes(c), `unexpected ${c}`);
    }
  });
});
