// PresenceSync.lint: the module's own check of a rules document, in the page (WebAssembly
// under Node here). It is the CLI's lint, not a second one: for every rules file of
// testdata/ (valid, with warnings, with errors) it reports exactly what `presencesync lint
// --json` reports, field for field; start rejects the same text with the same problems.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { before, describe, test } from "node:test";
import { fakeStreams, haveDist, loadShim, wasmUrl } from "./node-engine.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..", "..");
const cli = path.join(repo, "bin", "presencesync");

/** What `presencesync lint --json FILE` reports for one file: its diagnostics. @param {string} file */
function cliLint(file) {
  let out;
  try {
    out = execFileSync(cli, ["lint", "--json", file], { cwd: repo, encoding: "utf8" });
  } catch (e) {
    out = /** @type {any} */ (e).stdout; // exit 1: errors
  }
  return JSON.parse(out)[0].diagnostics ?? [];
}

/** A diagnostic in the module's shape (every field present; the CLI leaves empty ones out). @param {any} d */
function full(d) {
  return {
    severity: d.severity, code: d.code, ruleIndex: d.ruleIndex, ruleName: d.ruleName ?? "", field: d.field ?? "",
    value: d.value ?? "", allowed: d.allowed ?? [], suggestion: d.suggestion ?? "", line: d.line ?? 0, column: d.column ?? 0,
    message: d.message, snippet: d.snippet ?? "",
  };
}

const files = [
  ...fs.readdirSync(path.join(repo, "testdata", "rules")).map((f) => path.join("testdata", "rules", f)),
  ...fs.readdirSync(path.join(repo, "testdata", "readme")).filter((f) => f.endsWith(".json")).map((f) => path.join("testdata", "readme", f)),
  ...fs.readdirSync(path.join(repo, "testdata", "lint")).filter((f) => f.endsWith(".json")).map((f) => path.join("testdata", "lint", f)),
].filter((f) => f.endsWith(".json")).sort();

describe("PresenceSync.lint", { skip: haveDist && fs.existsSync(cli) ? false : "js/dist or bin/presencesync is not built (make dist build)" }, () => {
  /** @type {any} */
  let PresenceSync;
  before(async () => {
    PresenceSync = await loadShim();
  });

  test("reports what presencesync lint reports, for every rules file of testdata", async () => {
    let errors = 0;
    let warnings = 0;
    let checked = 0;
    for (const f of files) {
      const text = fs.readFileSync(path.join(repo, f), "utf8");
      // Files that are not rules documents (scenario fragments, events) are left to the CLI's tests.
      if (!/"rules"/.test(text)) continue;
      const want = cliLint(f).map(full);
      const got = await PresenceSync.lint(text, { wasmUrl });
      assert.deepEqual(got.problems, want, f);
      assert.equal(got.ok, !want.some((d) => d.severity === "error"), f);
      errors += want.filter((d) => d.severity === "error").length;
      warnings += want.filter((d) => d.severity === "warning").length;
      checked++;
    }
    // The comparison covered errors and warnings both.
    assert.ok(checked >= 5 && errors > 0 && warnings > 0, JSON.stringify({ checked, errors, warnings }));
  });

  test("locates a problem in the text as given, and an object in its two-space JSON", async () => {
    const text = fs.readFileSync(path.join(repo, "testdata", "readme", "bad-rules.json"), "utf8");
    const r = await PresenceSync.lint(text, { wasmUrl });
    assert.equal(r.ok, false);
    const [comparator] = r.problems;
    assert.deepEqual([comparator.line, comparator.column, comparator.field, comparator.suggestion], [8, 23, "criteria.comparator", "Equal to"]);
    assert.equal(text.split("\n")[comparator.line - 1].slice(comparator.column - 1, comparator.column + 7), '"Equals"');

    const doc = JSON.parse(text);
    const asObject = await PresenceSync.lint(doc, { wasmUrl });
    const pretty = JSON.stringify(doc, null, 2);
    const p = asObject.problems[0];
    assert.equal(pretty.split("\n")[p.line - 1].slice(p.column - 1, p.column + 7), '"Equals"');

    const syntax = await PresenceSync.lint('{\n  "rules": [\n    {"name": "x",}\n  ]\n}', { wasmUrl });
    assert.equal(syntax.ok, false);
    assert.deepEqual([syntax.problems[0].code, syntax.problems[0].line], ["syntax", 3]);
  });

  test("start rejects the same text with the same problems, and lint creates no engine", async () => {
    const text = fs.readFileSync(path.join(repo, "testdata", "readme", "bad-rules.json"), "utf8");
    const linted = await PresenceSync.lint(text, { wasmUrl });
    const api = /** @type {any} */ (globalThis).__presenceSyncEngine;
    const instances = api.stats().instances;
    await PresenceSync.lint(text, { wasmUrl });
    assert.equal(api.stats().instances, instances);
    const streams = fakeStreams();
    const adapter = { getStatus: async () => null, listStatuses: async () => [], setStatus: async () => {}, logout: async () => {}, subscribe: () => () => {} };
    await assert.rejects(
      PresenceSync.start({ wasmUrl, rules: text, connect: streams.connect, salesforce: adapter, options: { leadership: false } }),
      (/** @type {any} */ e) => {
        assert.equal(e.code, "invalid-rules");
        assert.deepEqual(e.problems, linted.problems);
        return true;
      },
    );
  });

  test("refuses what is not a rules document", async () => {
    for (const bad of [undefined, null, 42, true]) {
      await assert.rejects(PresenceSync.lint(bad, { wasmUrl }), (/** @type {any} */ e) => e.code === "invalid-options", String(bad));
    }
  });
});
