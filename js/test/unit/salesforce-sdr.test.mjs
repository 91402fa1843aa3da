// @ts-check
// Salesforce's own @salesforce/source-deploy-retrieve (what `sf project deploy` runs) reads the
// whole DX project offline: every file belongs to a component it recognises, the project
// converts to metadata format, and the package.xml lists every component. The components
// this project's Salesforce tooling owns are listed by name; the rest of force-app (the
// Lightning pieces, which change on their own) is checked generically.

import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { zipEntries } from "../../salesforce/build.mjs";
import { BUNDLE_FILES } from "../../salesforce/lib/metadata.mjs";
import { convertProject } from "../../salesforce/lib/sdr.mjs";
import { metadataRoot, salesforceRoot } from "./salesforce-fakes.mjs";

const temps = /** @type {string[]} */ ([]);
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the project with a stand-in static resource (it is built, not kept). */
function staged() {
  const dir = mkdtempSync(path.join(tmpdir(), "presence-sync-sdr-"));
  temps.push(dir);
  cpSync(path.join(salesforceRoot, "sfdx-project.json"), path.join(dir, "sfdx-project.json"));
  cpSync(path.join(salesforceRoot, "force-app"), path.join(dir, "force-app"), { recursive: true });
  writeFileSync(
    path.join(dir, "force-app", "main", "default", "staticresources", "PresenceSync.resource"),
    zipEntries(BUNDLE_FILES.map((name) => ({ name, data: new Uint8Array(0) }))),
  );
  return dir;
}

/** @param {{type: string, fullName: string}[]} list */
const names = (list) => list.map((c) => `${c.type} ${c.fullName}`).sort();

/** @param {string} dir @param {string} suffix */
const basenames = (dir, suffix) => readdirSync(path.join(metadataRoot, dir)).filter((f) => f.endsWith(suffix)).map((f) => f.slice(0, -suffix.length));

describe("source-deploy-retrieve", () => {
  /** @type {Promise<import("../../salesforce/lib/sdr.mjs").Conversion>} */
  let conversion;
  const result = () => (conversion ??= convertProject(staged()));

  test("recognises every file of the project and converts it, offline", async () => {
    const { problems, version } = await result();
    assert.deepEqual(problems, []);
    assert.equal(version, "62.0");
  });

  test("finds the rules type, its fields, list view, layout and records, the Apex, the permission set", async () => {
    const { components } = await result();
    const fields = basenames("objects/PresenceSyncRule__mdt/fields", ".field-meta.xml");
    assert.equal(fields.length, 14);
    const expected = [
      "CustomObject PresenceSyncRule__mdt",
      ...fields.map((f) => `CustomField PresenceSyncRule__mdt.${f}`),
      "ListView PresenceSyncRule__mdt.All",
      "Layout PresenceSyncRule__mdt-Presence Sync Rule Layout",
      "CustomMetadata PresenceSyncRule.Back_from_lunch_in_Omni",
      "CustomMetadata PresenceSyncRule.Lunch_to_Omni",
      "CustomMetadata PresenceSyncRule.Omni_logout_takes_Connect_offline",
      "ApexClass PresenceSyncController",
      "ApexClass PresenceSyncControllerTest",
      "ApexClass PresenceSyncRules",
      "ApexClass PresenceSyncRulesTest",
      "PermissionSet PresenceSync_Agent",
      "StaticResource PresenceSync",
    ];
    const found = new Set(names(components));
    assert.deepEqual(expected.filter((c) => !found.has(c)), []);
  });

  test("finds every other component of force-app by its directory", async () => {
    const { components } = await result();
    const types = new Set(components.map((c) => c.type));
    const byDirectory = /** @type {Record<string, string>} */ ({
      aura: "AuraDefinitionBundle",
      callCenters: "CallCenter",
      classes: "ApexClass",
      customMetadata: "CustomMetadata",
      layouts: "Layout",
      messageChannels: "LightningMessageChannel",
      objects: "CustomObject",
      pages: "ApexPage",
      permissionsets: "PermissionSet",
      staticresources: "StaticResource",
    });
    for (const dir of readdirSync(metadataRoot)) {
      assert.ok(byDirectory[dir], `a directory this test knows: ${dir}`);
      assert.ok(types.has(byDirectory[dir]), `${dir}: ${byDirectory[dir]} components`);
    }
    for (const bundle of readdirSync(path.join(metadataRoot, "aura"))) assert.ok(found(components, "AuraDefinitionBundle", bundle), bundle);
    for (const page of basenames("pages", ".page")) assert.ok(found(components, "ApexPage", page), page);
  });

  test("writes a package.xml listing every component, and the metadata-format files", async () => {
    const { components, packageXml, files } = await result();
    assert.deepEqual(names(packageXml), [...new Set(names(components))]);
    for (const file of ["package.xml", "objects/PresenceSyncRule__mdt.object", "customMetadata/PresenceSyncRule.Lunch_to_Omni.md", "layouts/PresenceSyncRule__mdt-Presence Sync Rule Layout.layout", "classes/PresenceSyncRules.cls", "permissionsets/PresenceSync_Agent.permissionset"]) {
      assert.ok(files.includes(file), `${file} in ${files.join(", ")}`);
    }
  });

  test("reports a file it cannot place", async () => {
    const dir = staged();
    mkdirSync(path.join(dir, "force-app", "main", "default", "widgets"));
    writeFileSync(path.join(dir, "force-app", "main", "default", "widgets", "Thing.widget-meta.xml"), "<Widget/>");
    const { problems } = await convertProject(dir);
    assert.ok(problems.some((p) => /Thing\.widget-meta\.xml: Could not infer a metadata type/.test(p)), problems.join("\n"));
  });

  test("reports a stray file that no component takes", async () => {
    const dir = staged();
    writeFileSync(path.join(dir, "force-app", "main", "default", "classes", "notes.txt"), "to do");
    const { problems } = await convertProject(dir);
    assert.deepEqual(problems, ["force-app/main/default/classes/notes.txt: part of no component Salesforce's tooling recognises"]);
  });

  test("reports a component missing its content", async () => {
    const dir = staged();
    rmSync(path.join(dir, "force-app", "main", "default", "classes", "PresenceSyncRules.cls"));
    const { problems } = await convertProject(dir);
    assert.ok(problems.some((p) => /PresenceSyncRules\.cls-meta\.xml: Expected source files for type 'ApexClass'/.test(p)), problems.join("\n"));
  });
});

/** @param {{type: string, fullName: string}[]} components @param {string} type @param {string} fullName */
function found(components, type, fullName) {
  return components.some((c) => c.type === type && c.fullName === fullName);
}
