// The Salesforce metadata is well-formed and consistent, `make salesforce` (build.mjs) lints
// the rules it packs and produces the static resource and a deployable project, and its deploy
// command is the README's. (Salesforce's own tooling on the project: salesforce-sdr.test.mjs; Apex:
// salesforce-apex.test.mjs; the rules as records: salesforce-records.test.mjs; the page glue,
// softphone.js: softphone.test.mjs.)

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { unzipSync } from "fflate";
import { BuildError, build, deployCommand, zipEntries } from "../../salesforce/build.mjs";
import { staticMethods, parseApex } from "../../salesforce/lib/apex.mjs";
import { BUNDLE_FILES, checkMetadata } from "../../salesforce/lib/metadata.mjs";
import { XmlError, parseXml } from "../../salesforce/lib/xml.mjs";
import { metadataRoot, repoRoot, salesforceRoot } from "./salesforce-fakes.mjs";

const presencesync = path.join(repoRoot, "bin", "presencesync");

const temps = /** @type {string[]} */ ([]);
function tempDir() {
  const dir = mkdtempSync(path.join(tmpdir(), "presence-sync-sf-"));
  temps.push(dir);
  return dir;
}
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A copy of js/salesforce (without dist) with one edit applied. @param {string} file relative to force-app/main/default, or "softphone/softphone.js" @param {string | RegExp} from @param {string} to */
export function mutated(file, from, to) {
  const dir = tempDir();
  cpSync(salesforceRoot, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}dist`) });
  const target = file.startsWith("softphone/") || file === "sfdx-project.json" ? path.join(dir, file) : path.join(dir, "force-app", "main", "default", file);
  const text = readFileSync(target, "utf8");
  const changed = text.replace(from, to);
  assert.notEqual(changed, text, `the edit applies to ${file}`);
  writeFileSync(target, changed);
  return dir;
}

describe("metadata", () => {
  test("the source is well-formed and consistent", () => {
    const { problems, facts } = checkMetadata(salesforceRoot);
    assert.deepEqual(problems, []);
    assert.deepEqual([...facts.channels.keys()], []);
    assert.deepEqual([...facts.classes].sort(), ["PresenceSyncController", "PresenceSyncControllerTest", "PresenceSyncOrigins", "PresenceSyncOriginsTest", "PresenceSyncRules", "PresenceSyncRulesTest"]);
    assert.deepEqual(facts.tests, ["PresenceSyncControllerTest", "PresenceSyncOriginsTest", "PresenceSyncRulesTest"]);
    assert.deepEqual([...facts.objects.keys()], ["PresenceSyncRule__mdt"]);
    assert.deepEqual([...facts.pages], ["PresenceSyncSoftphone"]);
    assert.deepEqual([...facts.resources], ["PresenceSync"]);
    assert.deepEqual([...facts.bundles], ["PresenceSyncBridge"]);
  });

  test("the Apex controller queries exactly what the feature documents", () => {
    const source = readFileSync(path.join(metadataRoot, "classes", "PresenceSyncController.cls"), "utf8");
    assert.match(source, /'SELECT Id, DeveloperName, MasterLabel FROM ServicePresenceStatus/);
    assert.match(source, /AccessLevel\.USER_MODE/, "the running user's permissions apply");
    assert.match(source, /"View Setup and Configuration"/);
    assert.match(source, /"View DeveloperName"/);
    const methods = staticMethods(parseApex(source));
    assert.ok(methods.get("getCatalog")?.has("auraenabled"));
    assert.ok(methods.get("getCatalogRemote")?.has("remoteaction"));
    assert.ok(methods.get("getRules")?.has("auraenabled"));
    assert.ok(methods.get("getRulesRemote")?.has("remoteaction"));
  });

  const breakages = [
    ["the utility item's Apex controller is missing", "aura/PresenceSyncBridge/PresenceSyncBridge.cmp", 'controller="PresenceSyncOrigins"', 'controller="PresenceController"', /controller PresenceController does not exist/],
    ["the Apex method the utility item calls is gone", "classes/PresenceSyncOrigins.cls", "public static Origins getOrigins()", "public static Origins readOrigins()", /has no static method getOrigins/],
    ["the Apex method is not @AuraEnabled", "classes/PresenceSyncOrigins.cls", "@AuraEnabled(cacheable=true)\n    public static Origins getOrigins()", "public static Origins getOrigins()", /getOrigins is not @AuraEnabled/],
    ["the utility item becomes a background utility item (it must render the frame)", "aura/PresenceSyncBridge/PresenceSyncBridge.cmp", 'implements="flexipage:availableForAllPageTypes"', 'implements="lightning:backgroundUtilityItem"', /must render/],
    ["the utility item loses its frame", "aura/PresenceSyncBridge/PresenceSyncBridge.cmp", /<iframe [^>]*\/>/, "", /needs the <iframe>/],
    ["the remote action is not @RemoteAction", "classes/PresenceSyncController.cls", "@RemoteAction\n", "", /getCatalogRemote is not @RemoteAction/],
    ["the page loads a file the static resource lacks", "pages/PresenceSyncSoftphone.page", "'connect-streams.js'", "'amazon-connect.js'", /holds no file amazon-connect\.js/],
    ["the page names a static resource that does not exist", "pages/PresenceSyncSoftphone.page", "$Resource.PresenceSync, 'rules.json'", "$Resource.PresenceRules, 'rules.json'", /static resource PresenceRules does not exist/],
    ["the call center points at a page that does not exist", "callCenters/PresenceSyncCallCenter.callCenter-meta.xml", "<adapterUrl>/apex/PresenceSyncSoftphone</adapterUrl>", "<adapterUrl>/apex/Softphone</adapterUrl>", /names page Softphone, which does not exist/],
    ["the call center's adapter URL items disagree", "callCenters/PresenceSyncCallCenter.callCenter-meta.xml", "<value>/apex/PresenceSyncSoftphone</value>", "<value>/apex/Other</value>", /reqAdapterUrl \/apex\/Other differs/],
    ["the softphone reads a call center setting nobody defines", "softphone/softphone.js", '"/reqPresenceSync/reqLogLevel"', '"/reqPresenceSync/reqDebug"', /reads call center setting \/reqPresenceSync\/reqDebug/],
    ["an Omni event is not handled", "aura/PresenceSyncBridge/PresenceSyncBridge.cmp", '<aura:handler event="lightning:omniChannelWorkAccepted" action="{!c.onWorkAccepted}"/>', "", /does not handle lightning:omniChannelWorkAccepted/],
    ["a handler names a controller action that does not exist", "aura/PresenceSyncBridge/PresenceSyncBridge.cmp", "{!c.onLogout}", "{!c.onLogOut}", /has no onLogOut/],
    ["the controller calls a helper method that does not exist", "aura/PresenceSyncBridge/PresenceSyncBridgeController.js", "helper.start(", "helper.begin(", /calls helper\.begin, which/],
    ["the helper finds an aura:id the component lacks", "aura/PresenceSyncBridge/PresenceSyncBridgeHelper.js", 'component.find("omniToolkit")', 'component.find("omni")', /find\("omni"\), but no aura:id/],
    ["a bridge command is dropped", "aura/PresenceSyncBridge/PresenceSyncBridgeHelper.js", 'case "getAgentWorkload":', 'case "getWorkload":', /does not run the getAgentWorkload command/],
    ["a file is not well-formed", "aura/PresenceSyncBridge/PresenceSyncBridge.cmp", "<lightning:omniToolkitAPI aura:id=\"omniToolkit\"/>", "<lightning:omniToolkitAPI aura:id=\"omniToolkit\">", /PresenceSyncBridge\.cmp: not well-formed: line \d+, column \d+: Expected closing tag 'lightning:omniToolkitAPI'/],
    ["API versions differ", "classes/PresenceSyncControllerTest.cls-meta.xml", "<apiVersion>62.0</apiVersion>", "<apiVersion>61.0</apiVersion>", /API versions differ/],
    ["an API version before Winter '24", "sfdx-project.json", '"sourceApiVersion": "62.0"', '"sourceApiVersion": "58.0"', /apiVersion 58\.0 is older than 59\.0 \(Winter '24\)/],
    ["a meta file of the wrong type", "pages/PresenceSyncSoftphone.page-meta.xml", /ApexPage/g, "ApexComponent", /root element is <ApexComponent>, expected <ApexPage>/],
    ["the permission set grants a page that does not exist", "permissionsets/PresenceSync_Agent.permissionset-meta.xml", "<apexPage>PresenceSyncSoftphone</apexPage>", "<apexPage>Softphone</apexPage>", /grants page Softphone, which does not exist/],
    ["the permission set forgets the Apex class", "permissionsets/PresenceSync_Agent.permissionset-meta.xml", /<classAccesses>[\s\S]*<\/classAccesses>/, "", /does not grant Apex class PresenceSyncController/],
    ["the permission set forgets the rules' custom metadata type", "permissionsets/PresenceSync_Agent.permissionset-meta.xml", /<customMetadataTypeAccesses>[\s\S]*<\/customMetadataTypeAccesses>/, "", /does not grant read access to PresenceSyncRule__mdt, which the Apex reads in user mode/],
    ["the permission set grants a type that does not exist", "permissionsets/PresenceSync_Agent.permissionset-meta.xml", "<name>PresenceSyncRule__mdt</name>", "<name>PresenceRule__mdt</name>", /grants custom metadata type PresenceRule__mdt, which does not exist/],
    ["the rules class loses its test class", "classes/PresenceSyncRulesTest.cls", /PresenceSyncRules\./g, "Other.", /PresenceSyncRules\.cls: no @IsTest class calls it/],
    ["the agent permission set loses View DeveloperName", "permissionsets/PresenceSync_Agent.permissionset-meta.xml", /<userPermissions>[\s\S]*<\/userPermissions>/, "", /grants PresenceSyncController, which reads the DeveloperName of ServicePresenceStatus or ServiceChannel, but neither of the user permissions ViewDeveloperName, ViewSetup/],
    ["a permission set description over 255 characters", "permissionsets/PresenceSync_Agent.permissionset-meta.xml", /<description>[^<]*<\/description>/, `<description>${"x".repeat(256)}</description>`, /description is 256 characters, at most 255/],
    ["the page asks for Salesforce's CSP (cspHeader), which cannot allow WebAssembly", "pages/PresenceSyncSoftphone.page", 'docType="html-5.0"', 'docType="html-5.0" cspHeader="true"', /cspHeader="true" applies Salesforce's Content Security Policy, whose script-src Trusted URLs cannot extend with 'wasm-unsafe-eval'/],
    ["the page stops writing a setting the page glue reads", "pages/PresenceSyncSoftphone.page", /\n\s*rulesRemoteAction: [^\n]*/, "", /softphone\/softphone\.js reads PresenceSyncConfig\.rulesRemoteAction, which pages\/PresenceSyncSoftphone\.page does not write/],
    ["the page calls a rules remote action that does not exist", "pages/PresenceSyncSoftphone.page", "$RemoteAction.PresenceSyncController.getCatalogRemote", "$RemoteAction.PresenceSyncController.getRulesRemotely", /has no static method getRulesRemotely/],
  ];
  for (const [name, file, from, to, expected] of breakages) {
    test(`caught: ${name}`, () => {
      const { problems } = checkMetadata(mutated(/** @type {string} */ (file), /** @type {any} */ (from), /** @type {string} */ (to)));
      assert.ok(
        problems.some((p) => /** @type {RegExp} */ (expected).test(p)),
        `expected a problem matching ${expected}, got:\n${problems.join("\n")}`,
      );
    });
  }
});

describe("permissions: View DeveloperName", () => {
  test("the Presence Sync Agent permission set grants View DeveloperName, which the status catalog needs", () => {
    const set = parseXml(readFileSync(path.join(metadataRoot, "permissionsets", "PresenceSync_Agent.permissionset-meta.xml"), "utf8"));
    const granted = set.children.filter((c) => c.name === "userPermissions").map((u) => Object.fromEntries(u.children.map((c) => [c.name, c.text])));
    assert.deepEqual(granted, [{ enabled: "true", name: "ViewDeveloperName" }]);
    assert.deepEqual([...checkMetadata(salesforceRoot).facts.readsGuardedNames], ["PresenceSyncController"], "the check knows who reads the guarded names");
  });

  test("View Setup and Configuration does as well", () => {
    const { problems } = checkMetadata(mutated("permissionsets/PresenceSync_Agent.permissionset-meta.xml", "<name>ViewDeveloperName</name>", "<name>ViewSetup</name>"));
    assert.deepEqual(problems, []);
  });

  test("a permission turned off grants nothing", () => {
    const { problems } = checkMetadata(mutated("permissionsets/PresenceSync_Agent.permissionset-meta.xml", /<enabled>true<\/enabled>(\s*<name>ViewDeveloperName)/, "<enabled>false</enabled>$1"));
    assert.ok(problems.some((p) => /but neither of the user permissions ViewDeveloperName, ViewSetup/.test(p)), problems.join("\n"));
  });
});

describe("xml reader (fast-xml-parser)", () => {
  test("elements, attributes, entities, comments, CDATA and raw script text", () => {
    const root = parseXml('<?xml version="1.0"?>\n<!-- c --><a x="1 &amp; 2"><b>t&lt;u&#x41;</b><![CDATA[<raw>]]><script>if (a < b && c) {}</script><c/></a>');
    assert.equal(root.name, "a");
    assert.equal(root.attrs.x, "1 &amp; 2".replace("&amp;", "&"));
    assert.equal(root.children[0].text, "t<uA");
    assert.equal(root.text, "<raw>");
    assert.equal(root.children[1].text, "if (a < b && c) {}");
    assert.equal(root.children[2].name, "c");
    assert.equal(root.line, 2);
  });
  test("raw script text keeps the lines of what follows", () => {
    const root = parseXml("<a>\n<script>\nif (a < b) {\n}\n</script>\n<b/></a>");
    assert.equal(root.children[1].line, 6);
    assert.throws(() => parseXml("<a>\n<style>p < q {}</style>\n<b></c></a>"), /line 3/);
  });
  for (const [name, text, where] of [
    ["mismatched close", "<a>\n<b></a>", /line 2, column 4: Expected closing tag 'b'/],
    ["unclosed", "<a><b></b>", /Unclosed tag 'a'/],
    ["bare ampersand", "<a>x & y</a>", /char '&' is not expected/],
    ["unknown entity", "<a>\n  x &nbsp; y</a>", /line 2, column 5: unknown entity &nbsp;/],
    ["duplicate attribute", '<a x="1" x="2"/>', /repeated/],
    ["two roots", "<a/><b/>", /second root/],
    ["two roots after a closed root", "<a></a><b/>", /second root|Multiple possible root/],
    ["unquoted attribute", "<a x=1/>", /without value/],
    ["text outside the root", "<a/>text", /text outside the root element/],
    ["text before the root", "x<a/>", /not expected/],
    ["no root", "<!-- only a comment -->", /Start tag expected|no root/],
  ]) {
    test(`rejects: ${name}`, () => {
      assert.throws(() => parseXml(/** @type {string} */ (text)), (/** @type {any} */ e) => e instanceof XmlError && /** @type {RegExp} */ (where).test(e.message));
    });
  }
});

describe("make salesforce", () => {
  function inputs() {
    const dir = tempDir();
    writeFileSync(path.join(dir, "presence-sync.js"), "window.PresenceSync = {};\n");
    writeFileSync(path.join(dir, "presence-sync.wasm"), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    writeFileSync(path.join(dir, "wasm_exec.js"), "// Go wasm_exec.js\n");
    writeFileSync(path.join(dir, "connect-streams.js"), "window.connect = {};\n".repeat(100));
    return dir;
  }
  /** @param {string} dist @param {Record<string, any>} [more] */
  const options = (dist, more = {}) => ({ dist, streams: path.join(dist, "connect-streams.js"), out: tempDir(), presencesync, log: () => {}, ...more });

  test("builds the static resource and a deployable project", async () => {
    const dist = inputs();
    const out = tempDir();
    const lines = /** @type {string[]} */ ([]);
    const result = await build(options(dist, { out, log: (/** @type {string} */ l) => lines.push(l) }));
    assert.ok(result);
    const zip = readFileSync(path.join(out, "PresenceSync.zip"));
    const entries = unzipSync(zip);
    assert.deepEqual(Object.keys(entries), [...BUNDLE_FILES]);
    assert.deepEqual(Buffer.from(entries["presence-sync.wasm"]), readFileSync(path.join(dist, "presence-sync.wasm")));
    assert.deepEqual(JSON.parse(Buffer.from(entries["rules.json"]).toString()), JSON.parse(readFileSync(path.join(salesforceRoot, "rules.json"), "utf8")));
    assert.deepEqual(Buffer.from(entries["softphone.js"]), readFileSync(path.join(salesforceRoot, "softphone", "softphone.js")));
    const inputBytes = Object.values(entries).reduce((n, e) => n + e.length, 0);
    assert.ok(zip.length < inputBytes, `text is deflated (${zip.length} < ${inputBytes})`);

    const resource = path.join(out, "project", "force-app", "main", "default", "staticresources", "PresenceSync.resource");
    assert.deepEqual(readFileSync(resource), zip);
    assert.ok(existsSync(path.join(out, "project", "sfdx-project.json")));
    assert.deepEqual(checkMetadata(path.join(out, "project"), { requireResourceFile: true, softphoneFile: path.join(salesforceRoot, "softphone", "softphone.js") }).problems, []);
    assert.ok(result.components.some((c) => c.type === "StaticResource" && c.fullName === "PresenceSync"), "source-deploy-retrieve read the built project");
    assert.ok(lines.some((l) => /js\/salesforce\/rules\.json: 0 errors, 0 warnings/.test(l)), "the rules were linted");
    const deploy = lines.slice(lines.indexOf("deploy:") + 1).map((l) => l.replace(/^ {2}/, "")).join("\n");
    assert.equal(deploy, deployCommand(path.relative(process.cwd(), path.join(out, "project")), ["PresenceSyncControllerTest", "PresenceSyncOriginsTest", "PresenceSyncRulesTest"]));

    const again = tempDir();
    await build(options(dist, { out: again }));
    assert.deepEqual(readFileSync(path.join(again, "PresenceSync.zip")), zip, "the same inputs give the same bytes");
  });

  test("the deploy command it prints is the README's", async () => {
    const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].trimEnd()).filter((b) => b.includes("sf project deploy start"));
    assert.equal(blocks.length, 1, "one deploy command in the README");
    const { facts } = checkMetadata(salesforceRoot);
    assert.equal(blocks[0], deployCommand("js/salesforce/dist/project", facts.tests), "make salesforce prints the README's command, every Apex test class included");
  });

  test("stored entries stay stored, and the archive opens with unzip", (t) => {
    const zip = zipEntries([
      { name: "a.txt", data: Buffer.from("hello ".repeat(50)) },
      { name: "dir/b.bin", data: Buffer.from([1, 2, 3]) },
    ]);
    assert.deepEqual(Buffer.from(unzipSync(zip)["dir/b.bin"]), Buffer.from([1, 2, 3]));
    assert.throws(() => zipEntries([{ name: "a", data: Buffer.from("x") }, { name: "a", data: Buffer.from("y") }]), /given twice/);
    if (spawnSync("unzip", ["-v"]).status !== 0) return t.skip("no unzip here");
    const file = path.join(tempDir(), "a.zip");
    writeFileSync(file, zip);
    const listing = execFileSync("unzip", ["-v", file]).toString();
    assert.match(listing, /Defl:\w.*a\.txt/, "text deflated");
    assert.match(listing, /Stored.*dir\/b\.bin/, "three bytes stored");
    assert.match(execFileSync("unzip", ["-t", file]).toString(), /No errors detected/);
    assert.equal(execFileSync("unzip", ["-p", file, "a.txt"]).toString(), "hello ".repeat(50));
  });

  test("a custom rules file goes in the bundle", async () => {
    const dist = inputs();
    const rules = path.join(tempDir(), "my-rules.json");
    writeFileSync(rules, JSON.stringify({ rules: [] }));
    const out = tempDir();
    await build(options(dist, { rules, out }));
    const entries = unzipSync(readFileSync(path.join(out, "PresenceSync.zip")));
    assert.deepEqual(JSON.parse(Buffer.from(entries["rules.json"]).toString()), { rules: [] });
  });

  for (const [name, prepare, expected] of [
    ["a missing engine", (/** @type {string} */ dist) => rmSync(path.join(dist, "presence-sync.wasm")), /presence-sync\.wasm: .* does not exist \(run make dist\)/],
    ["an empty engine", (/** @type {string} */ dist) => writeFileSync(path.join(dist, "presence-sync.js"), ""), /presence-sync\.js: .* is empty/],
    ["a module that is not WebAssembly", (/** @type {string} */ dist) => writeFileSync(path.join(dist, "presence-sync.wasm"), "<html>"), /is not WebAssembly/],
  ]) {
    test(`refuses ${name}`, async () => {
      const dist = inputs();
      /** @type {Function} */ (prepare)(dist);
      await assert.rejects(build(options(dist)), (/** @type {any} */ e) => e instanceof BuildError && /** @type {RegExp} */ (expected).test(e.message));
    });
  }

  for (const [name, text, expected] of [
    ["not JSON", "{rules: [", /the file is not valid JSON/],
    ["not a rules document", "[]", /a rules document is a JSON object with a "rules" array/],
    ["invalid rules (the README's example of a bad file)", readFileSync(path.join(repoRoot, "testdata", "readme", "bad-rules.json"), "utf8"), /"Equals" is not a comparator; did you mean "Equal to"\?/],
  ]) {
    test(`lints the rules it packs and refuses ${name}, building nothing`, async () => {
      const rules = path.join(tempDir(), "rules.json");
      writeFileSync(rules, /** @type {string} */ (text));
      const out = tempDir();
      const lines = /** @type {string[]} */ ([]);
      await assert.rejects(build(options(inputs(), { rules, out, log: (/** @type {string} */ l) => lines.push(l) })), /has errors \(above\): fix them, nothing was built/);
      assert.ok(lines.some((l) => /** @type {RegExp} */ (expected).test(l)), `presencesync's diagnostics are shown:\n${lines.join("\n")}`);
      assert.ok(!existsSync(path.join(out, "PresenceSync.zip")));
    });
  }

  test("refuses inconsistent metadata before building anything", async () => {
    const root = mutated("pages/PresenceSyncSoftphone.page", "'softphone.js'", "'phone.js'");
    const out = tempDir();
    await assert.rejects(build({ root, dist: inputs(), out, presencesync, log: () => {} }), /holds no file phone\.js/);
    assert.ok(!existsSync(path.join(out, "PresenceSync.zip")));
  });

  test("lints the Presence Sync Rule records too and refuses a record the engine refuses, building nothing", async () => {
    const root = mutated("customMetadata/PresenceSyncRule.Lunch_to_Omni.md-meta.xml", '<value xsi:type="xsd:string">Equal to</value>', '<value xsi:type="xsd:string">Less than</value>');
    const out = tempDir();
    const lines = /** @type {string[]} */ ([]);
    await assert.rejects(build({ root, dist: inputs(), out, presencesync, log: (l) => lines.push(l) }), /the Presence Sync Rule records under customMetadata\/ have errors/);
    assert.ok(lines.some((l) => /Lunch_to_Omni\.md-meta\.xml, field Operand_B_Value__c: error: "Less than" compares numbers/.test(l)), lines.join("\n"));
    assert.ok(!existsSync(path.join(out, "PresenceSync.zip")));
  });

  test("without presencesync it says how to get it", async () => {
    const dist = inputs();
    await assert.rejects(build(options(dist, { presencesync: path.join(tempDir(), "presencesync") })), /presencesync does not exist \(run make build\)/);
  });

  test("the command line checks the source and fails on a bad rules file", () => {
    const run = spawnSync(process.execPath, [path.join(salesforceRoot, "build.mjs"), "--check", "--presencesync", presencesync], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /metadata ok/);
    assert.match(run.stdout, /records: 3 custom metadata record\(s\), 3 Presence Sync Rule\(s\) linted/);
    assert.match(run.stdout, /source-deploy-retrieve: \d+ components recognised, converted to metadata format \(API 62\.0\)/);
    const bad = spawnSync(process.execPath, [path.join(salesforceRoot, "build.mjs"), "--nope"], { encoding: "utf8" });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /unknown argument --nope/);
    const rules = spawnSync(
      process.execPath,
      [path.join(salesforceRoot, "build.mjs"), "--presencesync", presencesync, "--rules", path.join(repoRoot, "testdata", "readme", "bad-rules.json"), "--out", tempDir()],
      { encoding: "utf8" },
    );
    assert.equal(rules.status, 1, "make salesforce RULES=testdata/readme/bad-rules.json fails");
    assert.match(rules.stderr, /bad-rules\.json has errors \(above\)/);
  });
});
