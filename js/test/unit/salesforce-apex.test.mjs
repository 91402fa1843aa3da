// @ts-check
// The Apex classes, read with @apexdevtools/apex-parser (lib/apex.mjs): they parse, every
// member one class uses of another exists and is visible, every class is exercised by a test
// class, queries run in user mode, once, and select fields that exist. Apex cannot run here
// (no org): these are the checks a deploy's compile would make, plus the project's rules.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { checkApex, parseApex, staticMethods, testClasses } from "../../salesforce/lib/apex.mjs";
import { metadataRoot } from "./salesforce-fakes.mjs";

const classesDir = path.join(metadataRoot, "classes");
const ruleFields = new Set(readdirSync(path.join(metadataRoot, "objects", "PresenceSyncRule__mdt", "fields")).map((f) => f.replace(".field-meta.xml", "")));
const objects = new Map([["PresenceSyncRule__mdt", ruleFields]]);

/** The project's classes, with some replaced or added. @param {Record<string, string>} [changes] */
function classes(changes = {}) {
  /** @type {Map<string, import("../../salesforce/lib/apex.mjs").ApexFile>} */
  const files = new Map();
  for (const f of readdirSync(classesDir).filter((f) => f.endsWith(".cls"))) {
    const name = f.replace(/\.cls$/, "");
    if (!(name in changes)) files.set(name, parseApex(readFileSync(path.join(classesDir, f), "utf8")));
  }
  for (const [name, source] of Object.entries(changes)) files.set(name, parseApex(source));
  return files;
}

/** @param {string} name */
const source = (name) => readFileSync(path.join(classesDir, `${name}.cls`), "utf8");

describe("the project's Apex", () => {
  test("parses, and every cross-class reference, test and query is sound", () => {
    const files = classes();
    assert.deepEqual([...files.keys()].sort(), [
      "PresenceSyncController", "PresenceSyncControllerTest", "PresenceSyncOrigins", "PresenceSyncOriginsTest", "PresenceSyncRules", "PresenceSyncRulesTest",
    ]);
    for (const [name, file] of files) assert.deepEqual(file.errors, [], name);
    assert.deepEqual(checkApex(files, { objects }), []);
    assert.deepEqual(testClasses(files), ["PresenceSyncControllerTest", "PresenceSyncOriginsTest", "PresenceSyncRulesTest"]);
  });

  test("the check sees what the rules test reaches into (not a vacuous pass)", () => {
    const refs = /** @type {import("../../salesforce/lib/apex.mjs").ApexFile} */ (classes().get("PresenceSyncRulesTest")).references
      .filter((r) => r.target === "PresenceSyncRules")
      .map((r) => r.member);
    for (const member of ["testRecords", "load", "appliesTo", "Result", "Problem", "SOURCE_RECORDS", "CRITERIA_JSON", "MISSING_FIELD"]) {
      assert.ok(refs.includes(member), `PresenceSyncRulesTest uses PresenceSyncRules.${member}`);
    }
    const rules = /** @type {import("../../salesforce/lib/apex.mjs").ApexFile} */ (classes().get("PresenceSyncRules"));
    const seam = rules.types[0].members.get("testrecords")?.[0];
    assert.equal(seam?.visibility, "private");
    assert.ok(seam?.isStatic && seam.annotations.has("testvisible"), "the seam is a @TestVisible static");
  });

  test("the rules are read with one user-mode query of every field, none in a loop", () => {
    const rules = parseApex(source("PresenceSyncRules"));
    const onRecords = rules.queries.filter((q) => q.from === "PresenceSyncRule__mdt");
    assert.equal(onRecords.length, 1, "one query of the records");
    assert.ok(onRecords[0].userMode, "WITH USER_MODE");
    assert.ok(!onRecords[0].inLoop);
    assert.deepEqual(
      new Set(onRecords[0].fields),
      new Set(["DeveloperName", "MasterLabel", ...ruleFields]),
      "every field of PresenceSyncRule__mdt is read (the mapping needs each one)",
    );
    assert.ok(rules.queries.every((q) => q.userMode && !q.inLoop));
    const methods = staticMethods(rules);
    assert.ok(methods.has("load"));
    const controller = staticMethods(parseApex(source("PresenceSyncController")));
    assert.ok(controller.get("getRules")?.has("auraenabled"));
    assert.ok(controller.get("getRulesRemote")?.has("remoteaction"));
  });

  test("the Apex tests cover what the issue asks for", () => {
    const tests = /** @type {import("../../salesforce/lib/apex.mjs").ApexFile} */ (classes().get("PresenceSyncRulesTest")).types[0];
    const methods = [...tests.members.values()].flat().filter((m) => m.kind === "method" && m.annotations.has("istest")).map((m) => m.name);
    for (const [topic, pattern] of [
      ["ordering", /Order/],
      ["profile scoping", /[Pp]rofile/],
      ["the fallback", /StaticResource/],
      ["a malformed Criteria__c", /[Mm]alformedCriteria/],
      ["a user without access", /WithoutAccess/],
    ]) {
      assert.ok(methods.some((m) => /** @type {RegExp} */ (pattern).test(m)), `an @IsTest method on ${topic}: ${methods.join(", ")}`);
    }
  });
});

describe("what the Apex check catches", () => {
  const rulesSource = source("PresenceSyncRules");
  const testSource = source("PresenceSyncRulesTest");
  const cases = [
    [
      "a reserved word as a variable name",
      { PresenceSyncRulesTest: testSource.replace("Map<String, Object> onRule = ", "Map<String, Object> on = ").replace("{ off, onRule }", "{ off, on }") },
      /PresenceSyncRulesTest\.cls: line \d+:\d+: no viable alternative at input 'Map<String, Object> on'/,
    ],
    [
      "a test reaching a private member without @TestVisible",
      { PresenceSyncRules: rulesSource.replace("@TestVisible\n    private static Boolean appliesTo", "private static Boolean appliesTo") },
      /PresenceSyncRulesTest\.cls line \d+: PresenceSyncRules\.appliesTo is private in PresenceSyncRules \(mark it @TestVisible\)/,
    ],
    [
      "a test using a member that was renamed",
      { PresenceSyncRules: rulesSource.replaceAll("testRecords", "suppliedRecords") },
      /PresenceSyncRulesTest\.cls line \d+: PresenceSyncRules\.testRecords, but PresenceSyncRules has no testRecords/,
    ],
    [
      "an inner class that does not exist",
      { PresenceSyncRulesTest: testSource.replace("PresenceSyncRules.Problem onlyProblem", "PresenceSyncRules.Issue onlyProblem") },
      /PresenceSyncRules\.Issue, but PresenceSyncRules has no Issue/,
    ],
    [
      "a query in system mode",
      { PresenceSyncRules: rulesSource.replace("FROM PresenceSyncRule__mdt\n            WITH USER_MODE", "FROM PresenceSyncRule__mdt") },
      /PresenceSyncRules\.cls line \d+: the query FROM PresenceSyncRule__mdt does not run in user mode/,
    ],
    [
      "a dynamic query in system mode",
      { PresenceSyncController: source("PresenceSyncController").replace("Database.query(STATUS_SOQL, AccessLevel.USER_MODE)", "Database.query(STATUS_SOQL)") },
      /PresenceSyncController\.cls line \d+: Database query without AccessLevel\.USER_MODE/,
    ],
    [
      "a field the object does not have",
      { PresenceSyncRules: rulesSource.replace("Cooldown_Ms__c, Profiles__c", "Cooldown__c, Profiles__c") },
      /the query selects Cooldown__c, which PresenceSyncRule__mdt does not have/,
    ],
    [
      "a query in a loop",
      {
        PresenceSyncRules: rulesSource.replace(
          "        for (PresenceSyncRule__mdt record : active) {\n",
          "        for (PresenceSyncRule__mdt record : active) {\n            result.profile = [SELECT Profile.Name FROM User WHERE Id = :UserInfo.getUserId() WITH USER_MODE].Profile.Name;\n",
        ),
      },
      /PresenceSyncRules\.cls line \d+: a query inside a loop/,
    ],
    ["a file named after another class", { PresenceSyncRules: rulesSource.replace("public with sharing class PresenceSyncRules {", "public with sharing class PresenceRules {") }, /declares class PresenceRules, the file name says PresenceSyncRules/],
    [
      "a class no test calls",
      { PresenceSyncHelper: "public with sharing class PresenceSyncHelper { public static Integer one() { return 1; } }" },
      /PresenceSyncHelper\.cls: no @IsTest class calls it/,
    ],
  ];
  for (const [name, changes, expected] of cases) {
    test(`caught: ${name}`, () => {
      const changed = /** @type {Record<string, string>} */ (changes);
      for (const [cls, text] of Object.entries(changed)) {
        if (readdirSync(classesDir).includes(`${cls}.cls`)) assert.notEqual(text, source(cls), `the edit applies to ${cls}`);
      }
      const problems = checkApex(classes(changed), { objects });
      assert.ok(
        problems.some((p) => /** @type {RegExp} */ (expected).test(p)),
        `expected a problem matching ${expected}, got:\n${problems.join("\n")}`,
      );
    });
  }

  test("a test class may query in system mode", () => {
    const files = classes();
    const test = /** @type {import("../../salesforce/lib/apex.mjs").ApexFile} */ (files.get("PresenceSyncRulesTest"));
    assert.ok(test.queries.some((q) => !q.userMode), "the rules test reads the records in system mode to compare");
    assert.deepEqual(checkApex(files, { objects }), []);
  });

  test("a query in the control of a for loop runs once", () => {
    const file = parseApex("public class A { static void m() { for (Account a : [SELECT Id FROM Account WITH USER_MODE]) {} while (true) { Integer n = [SELECT COUNT() FROM Account WITH USER_MODE]; } } }");
    assert.deepEqual(file.errors, []);
    assert.deepEqual(file.queries.map((q) => q.inLoop), [false, true]);
  });
});
