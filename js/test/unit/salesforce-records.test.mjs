// @ts-check
// Rules as records: the custom metadata type PresenceSyncRule__mdt (fields, picklists equal to
// the engine's labels, list view, layout), the shipped example records, the rules document they
// hold (linted by presencesync), and what the checks catch when a record or the type is wrong.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { build } from "../../salesforce/build.mjs";
import { checkMetadata } from "../../salesforce/lib/metadata.mjs";
import { LIMITS, rulesDocumentOf } from "../../salesforce/lib/records.mjs";
import { metadataRoot, repoRoot, salesforceRoot } from "./salesforce-fakes.mjs";

const presencesync = path.join(repoRoot, "bin", "presencesync");
const objectDir = path.join(metadataRoot, "objects", "PresenceSyncRule__mdt");

const temps = /** @type {string[]} */ ([]);
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});
/** A copy of js/salesforce (without dist) to edit. */
function copy() {
  const dir = mkdtempSync(path.join(tmpdir(), "presence-sync-records-"));
  temps.push(dir);
  cpSync(salesforceRoot, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}dist`) });
  return dir;
}
/** @param {string} root @param {string} rel relative to force-app/main/default */
const at = (root, rel) => path.join(root, "force-app", "main", "default", rel);
/** @param {string} root @param {string} rel @param {string | RegExp} from @param {string} to */
function edit(root, rel, from, to) {
  const file = at(root, rel);
  const text = readFileSync(file, "utf8");
  const changed = text.replace(from, to);
  assert.notEqual(changed, text, `the edit applies to ${rel}`);
  writeFileSync(file, changed);
}

/** The engine's labels, from rules/schema.json (whose enums rules/schema_test.go holds equal to rules/picklist.go). */
const schema = JSON.parse(readFileSync(path.join(repoRoot, "rules", "schema.json"), "utf8"));
/** @param {string} name */
const labels = (name) => /** @type {string[]} */ (schema.$defs[name].anyOf[0].enum);

const { problems, facts } = checkMetadata(salesforceRoot);
const object = facts.objects.get("PresenceSyncRule__mdt");

describe("the custom metadata type PresenceSyncRule__mdt", () => {
  test("is consistent, and holds the fields the project documents (plus Description__c)", () => {
    assert.deepEqual(problems, []);
    assert.ok(object);
    assert.equal(object.label, "Presence Sync Rule");
    const types = Object.fromEntries([...object.fields.values()].map((f) => [f.name, f.type]));
    assert.deepEqual(types, {
      Active__c: "Checkbox",
      Comparator__c: "Picklist",
      Cooldown_Ms__c: "Number",
      Criteria__c: "LongTextArea",
      Description__c: "TextArea",
      Destination__c: "Picklist",
      Operand_A_Value__c: "Text",
      Operand_A__c: "Picklist",
      Operand_B_Value__c: "Text",
      Operand_B__c: "Picklist",
      Order__c: "Number",
      Profiles__c: "Text",
      Source__c: "Picklist",
      Value__c: "Text",
    });
    for (const required of ["Order__c", "Source__c", "Destination__c", "Value__c"]) assert.ok(object.fields.get(required)?.required, `${required} is required`);
    for (const optional of ["Operand_A__c", "Comparator__c", "Operand_B__c", "Criteria__c"]) {
      assert.ok(!object.fields.get(optional)?.required, `${optional} stays optional: Criteria__c replaces the operand fields`);
    }
  });

  test("its picklists are the engine's labels, in the engine's order", () => {
    assert.deepEqual(object?.fields.get("Source__c")?.values, labels("source"));
    assert.deepEqual(object?.fields.get("Operand_A__c")?.values, labels("operand"));
    assert.deepEqual(object?.fields.get("Operand_B__c")?.values, labels("operand"));
    assert.deepEqual(object?.fields.get("Comparator__c")?.values, labels("comparator"));
    assert.deepEqual(object?.fields.get("Destination__c")?.values, labels("destination"));
    assert.equal(labels("operand").length, 18, "the seed's ten operands and the eight this project adds");
  });

  test("the engine's labels are what presencesync accepts", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "presence-sync-labels-"));
    temps.push(dir);
    const file = path.join(dir, "all.json");
    const rules = labels("operand").map((operand, i) => ({
      name: `operand ${i}`,
      source: labels("source")[i % labels("source").length],
      operandA: operand,
      ...(operand === "Static Value" ? { operandAValue: "x" } : {}),
      comparator: labels("comparator")[i % 2],
      operandB: "Static Value",
      operandBValue: "x",
      destination: labels("destination")[i % 2],
      value: "Lunch",
    }));
    /** @param {any[]} list */
    const refused = (list) => {
      writeFileSync(file, JSON.stringify({ rules: list }));
      const run = spawnSync(presencesync, ["lint", "--json", file], { encoding: "utf8" });
      return JSON.parse(run.stdout)
        .flatMap((/** @type {any} */ r) => r.diagnostics ?? [])
        .filter((/** @type {any} */ d) => ["unknown-value", "type"].includes(d.code));
    };
    assert.deepEqual(refused(rules), [], "no label is refused");
    const misspelt = refused([{ ...rules[0], operandA: "Connect Agent New Stat" }]);
    assert.equal(misspelt.length, 1, "while a misspelt one is");
  });

  test("an admin can see and set every field: list view and layout", () => {
    assert.deepEqual(object?.listViews.get("All")?.slice(0, 3), ["Order__c", "MasterLabel", "Active__c"]);
    const layout = readFileSync(path.join(metadataRoot, "layouts", "PresenceSyncRule__mdt-Presence Sync Rule Layout.layout-meta.xml"), "utf8");
    for (const field of object?.fields.keys() ?? []) assert.match(layout, new RegExp(`<field>${field}</field>`));
  });

  test("js/salesforce/README.md's field table and operand list are the metadata's", () => {
    const readme = readFileSync(path.join(salesforceRoot, "README.md"), "utf8");
    const rows = [...readme.matchAll(/^\| ([^|]+) \| `(\w+)` \| ([^|]+) \| ([^|]+) \|$/gm)].map((m) => ({ label: m[1].trim(), api: m[2], type: m[3].trim(), text: m[4] }));
    const documented = new Map(rows.map((r) => [r.api, r]));
    for (const field of object?.fields.values() ?? []) {
      const row = documented.get(field.name);
      assert.ok(row, `${field.name} is in the table`);
      assert.equal(row.label, field.label, `${field.name}'s label`);
      assert.equal(/required/.test(row.type), field.required, `${field.name}: "required" in the table when the field is`);
      if (field.type === "Text") assert.match(row.type, new RegExp(`\\(${field.length}\\)`), `${field.name}'s length`);
    }
    assert.deepEqual([...documented.keys()].filter((api) => api.endsWith("__c") && !object?.fields.has(api)), [], "no field the type lacks");
    const listed = (/** @type {string} */ api) => [...(documented.get(api)?.text ?? "").matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    assert.deepEqual(listed("Source__c"), labels("source"));
    assert.deepEqual(listed("Comparator__c"), labels("comparator"));
    assert.deepEqual(listed("Destination__c"), labels("destination"));
    const operands = /Operands \(both picklists\): ([\s\S]*?)\. What each means/.exec(readme);
    assert.ok(operands);
    assert.deepEqual([...operands[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]), labels("operand"));
  });

  test("field texts fit Salesforce's limits", () => {
    for (const f of object?.fields.values() ?? []) {
      assert.ok(f.description.length <= LIMITS.description, f.name);
      assert.ok(f.help.length > 0 && f.help.length <= LIMITS.help, `${f.name}: help text for the admin`);
    }
  });
});

describe("the example records", () => {
  test("are inactive until an admin turns them on, so the static resource's rules apply at first", () => {
    assert.deepEqual(
      facts.records.map((r) => [r.developerName, r.values.get("Active__c")?.text]),
      [
        ["Back_from_lunch_in_Omni", "false"],
        ["Lunch_to_Omni", "false"],
        ["Omni_logout_takes_Connect_offline", "false"],
      ],
    );
  });

  test("hold the rules document presencesync accepts, in Order__c order, in the canonical shape the Apex writes", () => {
    const { rules, records, criteriaJson } = rulesDocumentOf(facts.records);
    assert.deepEqual(records, ["Lunch_to_Omni", "Back_from_lunch_in_Omni", "Omni_logout_takes_Connect_offline"]);
    assert.deepEqual(criteriaJson, [false, false, false]);
    assert.deepEqual(rules[0], {
      name: "Lunch to Omni",
      active: true,
      source: "Connect Agent State Change",
      criteria: { operandA: "Connect Agent New State", comparator: "Equal to", operandB: "Static Value", operandBValue: "Lunch" },
      destination: "Salesforce Agent State",
      state: "Lunch",
      description: "The agent goes to Lunch in the CCP: Omni-Channel follows.",
    });
    const dir = mkdtempSync(path.join(tmpdir(), "presence-sync-doc-"));
    temps.push(dir);
    writeFileSync(path.join(dir, "records.json"), JSON.stringify({ rules }));
    const run = spawnSync(presencesync, ["lint", path.join(dir, "records.json")], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /0 errors, 0 warnings/);
  });
});

describe("the rules document of records", () => {
  /**
   * @param {string} developerName
   * @param {Record<string, string | number | boolean>} values
   * @returns {import("../../salesforce/lib/records.mjs").RecordInfo}
   */
  const record = (developerName, values) => ({
    file: `customMetadata/PresenceSyncRule.${developerName}.md-meta.xml`,
    type: "PresenceSyncRule__mdt",
    developerName,
    label: developerName.replaceAll("_", " "),
    values: new Map(Object.entries(values).map(([field, v]) => [field, { type: "", xsiType: "", nil: false, text: String(v) }])),
  });
  const group = {
    all: [
      { any: [{ operandA: "Salesforce New Workload Pct", comparator: "Greater than or equal to", operandB: "Static Value", operandBValue: "100" }] },
      { operandA: "Connect Agent New State", comparator: "Equal to", operandB: "Static Value", operandBValue: "Available" },
    ],
  };

  test("orders by Order__c, then API name, empty orders last", () => {
    const { records } = rulesDocumentOf([record("C", {}), record("B", { Order__c: 10 }), record("A", { Order__c: 10 }), record("Z", { Order__c: 5 })]);
    assert.deepEqual(records, ["Z", "A", "B", "C"]);
  });

  test("Criteria__c is the criteria group, with state; a Static Value operand always has its value", () => {
    const { rules, criteriaJson } = rulesDocumentOf([
      record("Full", { Order__c: 1, Source__c: "Salesforce Workload Changed", Criteria__c: JSON.stringify(group), Destination__c: "Connect Agent State", Value__c: "Omni Full", Cooldown_Ms__c: 30000 }),
      record("Empty_static", { Order__c: 2, Source__c: "Connect Agent State Change", Operand_A__c: "Connect Agent Next State", Comparator__c: "Equal to", Operand_B__c: "Static Value", Destination__c: "Salesforce Agent State", Value__c: "Available" }),
    ]);
    assert.deepEqual(rules[0], { name: "Full", active: true, source: "Salesforce Workload Changed", criteria: group, destination: "Connect Agent State", state: "Omni Full", cooldownMs: 30000 });
    assert.deepEqual(rules[1].criteria, { operandA: "Connect Agent Next State", comparator: "Equal to", operandB: "Static Value", operandBValue: "" }, "an empty Static Value is the empty text");
    assert.deepEqual(criteriaJson, [true, false]);
  });

  test("what the engine must refuse is passed on as it is", () => {
    const { rules } = rulesDocumentOf([
      record("Broken", { Order__c: 1, Criteria__c: '{"all": [' }),
      record("Mixed", { Order__c: 2, Criteria__c: JSON.stringify(group), Operand_A__c: "Connect Agent New State" }),
    ]);
    assert.equal(rules[0].criteria, '{"all": [', "malformed JSON as a string");
    assert.deepEqual(rules[1].criteria, group);
    assert.equal(rules[1].operandA, "Connect Agent New State", "both, so the engine names both");
  });
});

describe("what the record checks catch", () => {
  const lunch = "customMetadata/PresenceSyncRule.Lunch_to_Omni.md-meta.xml";
  const cases = [
    ["a value outside the picklist", lunch, "<value xsi:type=\"xsd:string\">Equal to</value>", "<value xsi:type=\"xsd:string\">Equals</value>", /Lunch_to_Omni\.md-meta\.xml: Comparator__c is "Equals", not a value of the picklist/],
    ["a number written as text", lunch, '<value xsi:type="xsd:double">10.0</value>', '<value xsi:type="xsd:string">10.0</value>', /Order__c is a Number field; its value needs xsi:type="xsd:double"/],
    ["a field the type does not have", lunch, "<field>Description__c</field>", "<field>Notes__c</field>", /Notes__c is not a field of PresenceSyncRule__mdt/],
    ["a required field left out", lunch, /<values>\s*<field>Value__c<\/field>[\s\S]*?<\/values>\s*/, "", /Lunch_to_Omni\.md-meta\.xml: Value__c is required/],
    ["a label longer than 40 characters", lunch, "<label>Lunch to Omni</label>", `<label>${"Lunch ".repeat(8)}</label>`, /label "Lunch Lunch.*" is 4\d characters, at most 40/],
    ["a text longer than its field", lunch, "<value xsi:type=\"xsd:string\">Lunch</value>", `<value xsi:type="xsd:string">${"L".repeat(256)}</value>`, /holds 256 characters, at most 255/],
    ["a picklist value unknown to the engine", "objects/PresenceSyncRule__mdt/fields/Comparator__c.field-meta.xml", "<label>Equal to</label>", "<label>Equals</label>", /picklist value Equal to has the label Equals/],
    ["help text over 510 characters", "objects/PresenceSyncRule__mdt/fields/Profiles__c.field-meta.xml", /<inlineHelpText>[^<]*<\/inlineHelpText>/, `<inlineHelpText>${"x".repeat(511)}</inlineHelpText>`, /inlineHelpText is 511 characters, at most 510/],
    ["a list view column that is no field", "objects/PresenceSyncRule__mdt/listViews/All.listView-meta.xml", "<columns>Value__c</columns>", "<columns>Target__c</columns>", /column Target__c is not a field of PresenceSyncRule__mdt/],
    ["a field the layout leaves out", "layouts/PresenceSyncRule__mdt-Presence Sync Rule Layout.layout-meta.xml", /<layoutItems>\s*<behavior>Edit<\/behavior>\s*<field>Cooldown_Ms__c<\/field>\s*<\/layoutItems>/, "", /the layout leaves out Cooldown_Ms__c/],
    ["a required field the layout does not require", "layouts/PresenceSyncRule__mdt-Presence Sync Rule Layout.layout-meta.xml", /<behavior>Required<\/behavior>(\s*)<field>Value__c<\/field>/, "<behavior>Edit</behavior>$1<field>Value__c</field>", /Value__c is required, its layout item must be Required/],
    ["a custom metadata field without manageability", "objects/PresenceSyncRule__mdt/fields/Order__c.field-meta.xml", /\s*<fieldManageability>SubscriberControlled<\/fieldManageability>/, "", /Order__c\.field-meta\.xml: a custom metadata type field needs fieldManageability/],
  ];
  for (const [name, rel, from, to, expected] of cases) {
    test(`caught: ${name}`, () => {
      const root = copy();
      edit(root, /** @type {string} */ (rel), /** @type {any} */ (from), /** @type {string} */ (to));
      const found = checkMetadata(root).problems;
      assert.ok(found.some((p) => /** @type {RegExp} */ (expected).test(p)), `expected a problem matching ${expected}, got:\n${found.join("\n")}`);
    });
  }

  test("caught: a record name Salesforce refuses", () => {
    const root = copy();
    cpSync(at(root, "customMetadata/PresenceSyncRule.Lunch_to_Omni.md-meta.xml"), at(root, "customMetadata/PresenceSyncRule.Lunch__to_Omni.md-meta.xml"));
    const found = checkMetadata(root).problems;
    assert.ok(found.some((p) => /Lunch__to_Omni is not a valid record name/.test(p)), found.join("\n"));
  });

  test("caught by make salesforce-check: a criterion the engine refuses, named by the field the agent's status line names", async () => {
    const root = copy();
    edit(root, lunch, "<value xsi:type=\"xsd:string\">Equal to</value>", "<value xsi:type=\"xsd:string\">Greater than</value>");
    const lines = /** @type {string[]} */ ([]);
    await assert.rejects(build({ root, checkOnly: true, presencesync, log: (l) => lines.push(l) }), /have errors/);
    assert.ok(
      lines.some((l) => /^customMetadata\/PresenceSyncRule\.Lunch_to_Omni\.md-meta\.xml, field Operand_B_Value__c: error: "Greater than" compares numbers, but the static value "Lunch" is not a number/.test(l)),
      lines.join("\n"),
    );
  });

  test("caught by make salesforce-check: a record the engine refuses, named by file and field", async () => {
    const root = copy();
    edit(root, "customMetadata/PresenceSyncRule.Back_from_lunch_in_Omni.md-meta.xml", '<value xsi:type="xsd:string">Available</value>\n    </values>\n</CustomMetadata>', '<value xsi:type="xsd:string">Busy</value>\n    </values>\n</CustomMetadata>');
    const lines = /** @type {string[]} */ ([]);
    await assert.rejects(build({ root, checkOnly: true, presencesync, log: (l) => lines.push(l) }), /the Presence Sync Rule records under customMetadata\/ have errors/);
    assert.ok(
      lines.some((l) => /^customMetadata\/PresenceSyncRule\.Back_from_lunch_in_Omni\.md-meta\.xml, field Value__c: error: "Busy" is an Amazon Connect system state/.test(l)),
      lines.join("\n"),
    );
  });
});
